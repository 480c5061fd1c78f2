import { AppError, isAppError } from '../../../functions/src/errors/app-error';
import { corsAware } from '../../../functions/src/http/cors';
import { errorReply } from '../../../functions/src/http/error-reply';
import type { HttpHandler, HttpReply, HttpRequest } from '../../../functions/src/http/types';

const ORIGIN = 'https://web.example.com';
const policy = { allowedOrigins: [ORIGIN], methods: ['POST'] };

function request(method: string, headers: Record<string, string> = {}): HttpRequest {
  return { method, headers, rawBody: Buffer.alloc(0) };
}

/** The adapter's mapping, as toHttpFunction passes it. */
const fail = (error: unknown): HttpReply => errorReply(isAppError(error) ? error : new AppError('internal', 'bug'));

function counting(reply: HttpReply | Error): { handler: HttpHandler; calls: () => number } {
  let calls = 0;
  const handler: HttpHandler = async () => {
    calls += 1;
    if (reply instanceof Error) throw reply;
    return reply;
  };
  return { handler, calls: () => calls };
}

describe('corsAware', () => {
  it('answers a preflight from a listed origin with 204 and exactly the CORS headers, without calling the handler', async () => {
    const inner = counting({ status: 200, body: {} });
    const reply = await corsAware(inner.handler, policy, fail)(request('OPTIONS', { origin: ORIGIN, 'access-control-request-method': 'POST' }));
    expect(reply).toEqual({
      status: 204,
      body: undefined,
      headers: {
        'access-control-allow-origin': ORIGIN,
        'access-control-allow-methods': 'POST',
        'access-control-allow-headers': 'Content-Type, X-Requested-With, X-Firebase-AppCheck, Authorization',
        'access-control-max-age': '3600',
        vary: 'Origin',
      },
    });
    expect(inner.calls()).toBe(0);
  });

  it.each(['https://evil.example.com', 'null', 'https://WEB.example.com', `${ORIGIN}/`, `${ORIGIN}:443`])(
    'refuses %s with origin_not_allowed before the handler runs, preflight or not',
    async (origin) => {
      const inner = counting({ status: 200, body: {} });
      const wrapped = corsAware(inner.handler, policy, fail);
      for (const method of ['OPTIONS', 'POST']) {
        const reply = await wrapped(request(method, { origin }));
        expect(reply.status).toBe(403);
        expect((reply.body as { error: { code: string } }).error.code).toBe('origin_not_allowed');
        expect(reply.headers?.['access-control-allow-origin']).toBeUndefined();
      }
      expect(inner.calls()).toBe(0);
    },
  );

  it('adds the grant to the answers of a listed origin, errors included', async () => {
    const ok = await corsAware(counting({ status: 200, body: { a: 1 }, headers: { 'x-a': '1' } }).handler, policy, fail)(request('POST', { origin: ORIGIN }));
    expect(ok).toEqual({
      status: 200,
      body: { a: 1 },
      headers: { 'x-a': '1', 'access-control-allow-origin': ORIGIN, 'access-control-expose-headers': 'Retry-After', vary: 'Origin' },
    });
    const failed = await corsAware(counting(new AppError('upstream_unavailable', 'later', { retryAfterSeconds: 5 })).handler, policy, fail)(
      request('POST', { origin: ORIGIN }),
    );
    expect(failed.status).toBe(503);
    expect(failed.headers).toMatchObject({ 'retry-after': '5', 'access-control-allow-origin': ORIGIN, vary: 'Origin' });
  });

  it('leaves a request without Origin (a native app) to the handler, untouched, errors thrown as before', async () => {
    const reply: HttpReply = { status: 200, body: { a: 1 } };
    expect(await corsAware(counting(reply).handler, policy, fail)(request('POST'))).toBe(reply);
    const error = new AppError('method_not_allowed', 'Use POST.', { allow: ['POST'] });
    await expect(corsAware(counting(error).handler, policy, fail)(request('OPTIONS'))).rejects.toBe(error);
  });

  it('with no listed origins, refuses every request that carries one', async () => {
    const reply = await corsAware(counting({ status: 200, body: {} }).handler, { allowedOrigins: [], methods: ['GET'] }, fail)(request('GET', { origin: ORIGIN }));
    expect(reply.status).toBe(403);
  });
});
