import { type SandboxGoogle, startSandboxGoogle } from '../../../sandbox/src/server';
import { ANN, codeExchange, postForm, WEB_CLIENT } from './sandbox-test-kit';

describe('sandbox Google: injected faults on the token endpoint', () => {
  let draw = 0.5;
  let sandbox: SandboxGoogle;

  beforeAll(async () => {
    sandbox = await startSandboxGoogle({ clients: [WEB_CLIENT], random: () => draw });
  });
  afterAll(() => sandbox.close());
  beforeEach(() => sandbox.admin.reset());

  const exchange = () => postForm(sandbox.endpoints.tokenUrl, codeExchange(sandbox.admin.mintCode(ANN).code));

  it('fails the next N requests with 503 and Retry-After, then serves normally', async () => {
    sandbox.admin.setFaults({ tokenEndpoint: { failNext: { count: 2, status: 503, retryAfterSeconds: 7 } } });

    const first = await exchange();
    const second = await exchange();
    const third = await exchange();

    for (const failed of [first, second]) {
      expect(failed.status).toBe(503);
      expect(failed.headers.get('retry-after')).toBe('7');
      expect(failed.body).toEqual({ error: 'internal_failure', error_description: 'Service Unavailable' });
    }
    expect(third.status).toBe(200);
    expect(sandbox.admin.stats()).toMatchObject({ tokenRequests: 3, faultsInjected: 2, codeExchanges: 1 });
    expect(sandbox.admin.faults()).toEqual({ tokenEndpoint: { failNext: { count: 0, status: 503, retryAfterSeconds: 7 } } });
  });

  it('answers 429 rate_limit_exceeded with Retry-After; a code refused by a fault stays usable', async () => {
    sandbox.admin.setFaults({ tokenEndpoint: { failNext: { count: 1, status: 429, retryAfterSeconds: 3 } } });
    const form = codeExchange(sandbox.admin.mintCode(ANN).code);

    const limited = await postForm(sandbox.endpoints.tokenUrl, form);
    expect(limited).toMatchObject({ status: 429, body: { error: 'rate_limit_exceeded' } });
    expect(limited.headers.get('retry-after')).toBe('3');
    expect((await postForm(sandbox.endpoints.tokenUrl, form)).status).toBe(200);
  });

  it('draws 5xx and 429 from the configured rates', async () => {
    sandbox.admin.setFaults({ tokenEndpoint: { status5xxRate: 0.2, rateLimitRate: 0.3, retryAfterSeconds: 1 } });
    draw = 0.1;
    expect((await exchange()).status).toBe(503);
    draw = 0.4;
    const limited = await exchange();
    expect(limited.status).toBe(429);
    expect(limited.headers.get('retry-after')).toBe('1');
    draw = 0.6;
    expect((await exchange()).status).toBe(200);
  });

  it('hangs without answering until the client gives up', async () => {
    sandbox.admin.setFaults({ tokenEndpoint: { hang: true } });
    const request = fetch(sandbox.endpoints.tokenUrl, { method: 'POST', signal: AbortSignal.timeout(80) });
    await expect(request).rejects.toThrow(/aborted|timeout/i);
    expect(sandbox.admin.stats().faultsInjected).toBe(1);
  });

  it('adds latency before answering', async () => {
    sandbox.admin.setFaults({ tokenEndpoint: { latencyMs: 60 } });
    const started = performance.now();
    expect((await exchange()).status).toBe(200);
    expect(performance.now() - started).toBeGreaterThanOrEqual(55);
  });

  it('turns faults off with setFaults({}) and with reset()', async () => {
    sandbox.admin.setFaults({ tokenEndpoint: { failNext: { count: 5, status: 500 } } });
    sandbox.admin.setFaults({});
    expect((await exchange()).status).toBe(200);
    sandbox.admin.setFaults({ tokenEndpoint: { hang: true } });
    sandbox.admin.reset();
    expect((await exchange()).status).toBe(200);
  });

  it('validates fault settings, in process and over HTTP', async () => {
    expect(() => sandbox.admin.setFaults({ tokenEndpoint: { failNext: { count: 1, status: 404 } } })).toThrow(
      expect.objectContaining({ code: 'invalid_argument' }),
    );
    expect(() => sandbox.admin.setFaults({ tokenEndpoint: { status5xxRate: 0.8, rateLimitRate: 0.8 } })).toThrow(/add up/);
    const response = await fetch(`${sandbox.url}/__admin/set-faults`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ tokenEndpoint: { hang: 'yes' } }),
      signal: AbortSignal.timeout(5_000),
    });
    expect(response.status).toBe(400);
    expect(await response.json()).toMatchObject({ error: { code: 400, errors: [{ reason: 'invalid_argument' }] } });
  });
});

describe('sandbox Google: closing while a request hangs', () => {
  it('closes promptly, ending hung and delayed connections', async () => {
    const sandbox = await startSandboxGoogle({ clients: [WEB_CLIENT] });
    sandbox.admin.setFaults({ tokenEndpoint: { hang: true } });
    const hung = fetch(sandbox.endpoints.tokenUrl, { method: 'POST', signal: AbortSignal.timeout(5_000) }).catch((error: unknown) => error);
    await new Promise((resolve) => setTimeout(resolve, 20));

    const started = performance.now();
    await sandbox.close();

    expect(performance.now() - started).toBeLessThan(1_000);
    // fetch's errors come from Node's realm, not jest's, so compare by shape.
    expect(await hung).toMatchObject({ name: 'TypeError', message: 'fetch failed' });
  });
});
