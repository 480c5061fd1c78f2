import { ConfigError } from '../../../functions/src/config';
import { loadRequestTimeoutConfig } from '../../../functions/src/config/request-timeout-config';
import { AppError } from '../../../functions/src/errors/app-error';
import { answerDeadlineMs, withAnswerDeadline } from '../../../functions/src/http/answer-deadline';
import { errorReply } from '../../../functions/src/http/error-reply';
import type { HttpReply, HttpRequest } from '../../../functions/src/http/types';

const request: HttpRequest = { method: 'POST', headers: {}, rawBody: Buffer.alloc(0) };
const fail = (error: unknown): HttpReply => (error instanceof AppError ? errorReply(error) : { status: 500, body: 'bug' });

describe('answerDeadlineMs', () => {
  it('leaves a tenth of the timeout, at least 1 s and at most 5 s', () => {
    expect(answerDeadlineMs(60)).toBe(55_000);
    expect(answerDeadlineMs(30)).toBe(27_000);
    expect(answerDeadlineMs(4)).toBe(3_000);
    expect(answerDeadlineMs(3600)).toBe(3_595_000);
  });
});

describe('withAnswerDeadline', () => {
  it('answers 503 deadline_exceeded at the deadline and fires the request signal; the late answer is dropped', async () => {
    let seen: AbortSignal | undefined;
    let late: (reply: HttpReply) => void = () => undefined;
    const handler = withAnswerDeadline(
      (req) => {
        seen = req.signal;
        return new Promise<HttpReply>((resolve) => (late = resolve));
      },
      2,
      fail,
    );
    const started = Date.now();
    const reply = await handler(request);
    expect(Date.now() - started).toBeGreaterThanOrEqual(950);
    expect(reply.status).toBe(503);
    expect(reply.body).toMatchObject({ error: { code: 'deadline_exceeded' } });
    expect(reply.headers?.['retry-after']).toBe('5');
    expect(seen?.aborted).toBe(true);
    expect((seen?.reason as AppError).code).toBe('deadline_exceeded');
    late({ status: 200, body: {} });
  });

  it('passes an answer in time through, and a failure through the one mapping, without firing the signal', async () => {
    let seen: AbortSignal | undefined;
    const ok = withAnswerDeadline(async (req) => ((seen = req.signal), { status: 200, body: { fine: true } }), 60, fail);
    expect(await ok(request)).toEqual({ status: 200, body: { fine: true } });
    expect(seen?.aborted).toBe(false);
    const failing = withAnswerDeadline(() => Promise.reject(new AppError('invalid_grant', 'spent')), 60, fail);
    expect((await failing(request)).status).toBe(400);
  });
});

describe('loadRequestTimeoutConfig', () => {
  it('is unset by default: no deadline', () => {
    expect(loadRequestTimeoutConfig({})).toEqual({ timeoutSeconds: undefined });
    expect(loadRequestTimeoutConfig({ REQUEST_TIMEOUT_SECONDS: '60' })).toEqual({ timeoutSeconds: 60 });
  });

  it.each(['0', '1', '3601', '1.5', 'soon'])('refuses %s, naming the variable', (value) => {
    expect(() => loadRequestTimeoutConfig({ REQUEST_TIMEOUT_SECONDS: value })).toThrow(ConfigError);
    expect(() => loadRequestTimeoutConfig({ REQUEST_TIMEOUT_SECONDS: value })).toThrow(/REQUEST_TIMEOUT_SECONDS/);
  });
});
