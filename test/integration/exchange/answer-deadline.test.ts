import { request } from 'node:http';
import type { SandboxGoogle } from '../../../sandbox/src/server';
import { type FunctionUnderTest, startFunctionUnderTest } from '../../support/function-process';
import { FULL_SCOPES, startTestSandbox } from '../../support/sandbox';

/**
 * A request still at work shortly before the function's timeout is answered
 * `503 deadline_exceeded` by the function itself, not left to Cloud Run's bare 504, and its
 * retries stop there. REQUEST_TIMEOUT_SECONDS=4: the answer comes at 3 s (answer-deadline.ts).
 */
const ORIGIN = 'https://web.example.com';

describe('exchangeAuthCode answers before its timeout', () => {
  let sandbox: SandboxGoogle;
  let fn: FunctionUnderTest;
  let nextSub = 7000;

  beforeAll(async () => {
    sandbox = await startTestSandbox();
    fn = await startFunctionUnderTest('exchangeAuthCode', sandbox, {
      REQUEST_TIMEOUT_SECONDS: '4',
      // Without the deadline, 30 attempts of 1 s each and their backoffs: well over 30 s.
      GOOGLE_HTTP_TIMEOUT_MS: '1000',
      GOOGLE_HTTP_MAX_ATTEMPTS: '30',
      ALLOWED_ORIGINS: ORIGIN,
    });
  });

  afterAll(async () => {
    await fn?.stop();
    await sandbox?.close();
  });

  const mint = () => sandbox.admin.mintCode({ sub: String((nextSub += 1)), email: 'deadline@example.com', scopes: FULL_SCOPES, forceConsent: true }).code;
  const post = async (code: string, headers: Record<string, string> = {}) => {
    const started = Date.now();
    const response = await fetch(fn.url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-requested-with': 'com.example.app', ...headers },
      body: JSON.stringify({ code }),
    });
    const body = (await response.json()) as { error?: { code?: string }; userId?: string };
    return { status: response.status, headers: response.headers, body, elapsedMs: Date.now() - started };
  };
  const tokenRequests = () => sandbox.admin.stats().tokenRequests;
  const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

  it('answers 503 deadline_exceeded with Retry-After at its deadline while Google does not answer, and starts no retry after it', async () => {
    sandbox.admin.setFaults({ tokenEndpoint: { status5xxRate: 1, latencyMs: 500 } });
    try {
      const before = fn.logs.length;
      const [native, web] = await Promise.all([post(mint()), post(mint(), { origin: ORIGIN })]);
      for (const reply of [native, web]) {
        expect({ status: reply.status, code: reply.body.error?.code }).toEqual({ status: 503, code: 'deadline_exceeded' });
        expect(reply.headers.get('retry-after')).toBe('5');
        expect(reply.headers.get('cache-control')).toBe('no-store');
        expect(reply.elapsedMs).toBeGreaterThanOrEqual(2_900);
        expect(reply.elapsedMs).toBeLessThan(4_000);
      }
      // A browser can read it: the answer went through CORS.
      expect(web.headers.get('access-control-allow-origin')).toBe(ORIGIN);
      // Both codes were tried more than once before the deadline...
      await sleep(200);
      const atDeadline = tokenRequests();
      expect(atDeadline).toBeGreaterThanOrEqual(4);
      // ... and never again after it (without the stop, another attempt would start within 3 s).
      await sleep(4_000);
      expect(tokenRequests()).toBe(atDeadline);
      // The framework's own start-up lines are not JSON, and may still be arriving under load.
      const lines = fn.logs.slice(before).filter((line) => line.startsWith('{')).map((line) => JSON.parse(line) as Record<string, unknown>);
      expect(lines.filter((line) => line.message === 'Request answered').map((line) => [line.httpStatus, line.answer])).toEqual([
        [503, 'deadline_exceeded'],
        [503, 'deadline_exceeded'],
      ]);
      // One ERROR line per deadline; the work's own end, after it, names the slow part, marked as late.
      expect(lines.filter((line) => line.errorCode === 'deadline_exceeded')).toHaveLength(2);
      expect(lines.filter((line) => line.afterDeadline === true).map((line) => line.errorCode)).toEqual(['upstream_unavailable', 'upstream_unavailable']);
    } finally {
      sandbox.admin.setFaults({});
    }
  }, 30_000);

  it("counts the deadline from the request's arrival: a slow upload of its body uses up its time", async () => {
    sandbox.admin.setFaults({ tokenEndpoint: { status5xxRate: 1, latencyMs: 500 } });
    try {
      const body = JSON.stringify({ code: mint() });
      const started = Date.now();
      const reply = await new Promise<{ status: number | undefined; text: string }>((resolve, reject) => {
        const req = request(fn.url, { method: 'POST', agent: false, headers: { 'content-type': 'application/json', 'x-requested-with': 'com.example.app', 'content-length': String(Buffer.byteLength(body)) } });
        req.on('response', (response) => {
          let text = '';
          response.on('data', (chunk: Buffer) => (text += chunk.toString()));
          response.on('end', () => resolve({ status: response.statusCode, text }));
        });
        req.on('error', reject);
        // Half the body now, the rest 1.5 s later: the deadline (3 s) comes 1.5 s after the body.
        req.write(body.slice(0, 10));
        setTimeout(() => req.end(body.slice(10)), 1_500);
      });
      const elapsedMs = Date.now() - started;
      expect({ status: reply.status, code: (JSON.parse(reply.text) as { error?: { code?: string } }).error?.code }).toEqual({ status: 503, code: 'deadline_exceeded' });
      expect(elapsedMs).toBeGreaterThanOrEqual(2_900);
      expect(elapsedMs).toBeLessThan(4_000);
    } finally {
      sandbox.admin.setFaults({});
    }
  }, 30_000);

  it('answers a request that finishes in time as before', async () => {
    const reply = await post(mint());
    expect(reply.status).toBe(200);
    expect(reply.body.userId).toBe(String(nextSub));
  });
});
