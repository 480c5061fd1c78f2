import { Firestore } from '@google-cloud/firestore';
import { freePort } from '../../../scripts/lib/ports';
import { DEFAULT_APP_CHECK_PROJECT } from '../../../sandbox/src/app-check';
import type { SandboxGoogle } from '../../../sandbox/src/server';
import { type FunctionUnderTest, startFunctionUnderTest } from '../../support/function-process';
import { FULL_SCOPES, startTestSandbox } from '../../support/sandbox';

/**
 * `REQUIRE_APP_CHECK=true` on the real exchange function: a sign-in without a valid App Check token
 * is refused with 401 app_check_failed before any call to Google, and nothing is stored.
 */
describe('exchangeAuthCode with App Check required', () => {
  let sandbox: SandboxGoogle;
  let fn: FunctionUnderTest;
  let db: Firestore;
  let nextSub = 5000;

  beforeAll(async () => {
    sandbox = await startTestSandbox();
    fn = await startFunctionUnderTest('exchangeAuthCode', sandbox, {
      REQUIRE_APP_CHECK: 'true',
      APP_CHECK_PROJECT_NUMBER: DEFAULT_APP_CHECK_PROJECT.projectNumber,
      APP_CHECK_JWKS_URL: sandbox.endpoints.appCheckJwksUrl,
    });
    db = new Firestore({ projectId: fn.projectId });
  });
  afterAll(async () => {
    await fn?.stop();
    await sandbox?.close();
    await db?.terminate();
  });

  const sub = () => String((nextSub += 1));
  const mintCode = (user: string) => sandbox.admin.mintCode({ sub: user, email: `${user}@example.com`, scopes: FULL_SCOPES, forceConsent: true }).code;

  async function post(url: string, code: string, appCheck: string | undefined) {
    const response = await fetch(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-requested-with': 'com.example.app', ...(appCheck === undefined ? {} : { 'x-firebase-appcheck': appCheck }) },
      body: JSON.stringify({ code }),
    });
    return { status: response.status, headers: response.headers, body: (await response.json()) as { error?: { code: string; message: string }; userId?: string } };
  }

  it('signs in with a valid App Check token', async () => {
    const user = sub();
    const result = await post(fn.url, mintCode(user), (await sandbox.appCheck.mintToken()).token);
    expect(result.status).toBe(200);
    expect(result.body.userId).toBe(user);
  });

  it.each([
    ['no header', async () => undefined],
    ['an empty header', async () => ''],
    ['a forged token', async () => (await sandbox.appCheck.mintToken({ signWith: 'foreign' })).token],
    ['a token for another project', async () => (await sandbox.appCheck.mintToken({ claims: { aud: ['projects/1'] } })).token],
    ['an expired token', async () => (await sandbox.appCheck.mintToken({ claims: { exp: Math.floor(Date.now() / 1000) - 600 } })).token],
    ['garbage', async () => 'not-a-token'],
  ])('401 app_check_failed for %s: Google is never asked and nothing is stored', async (_name, token) => {
    const user = sub();
    const before = sandbox.admin.stats().tokenRequests;
    const result = await post(fn.url, mintCode(user), await token());
    expect(result.status).toBe(401);
    expect(result.body.error?.code).toBe('app_check_failed');
    expect(result.headers.get('cache-control')).toBe('no-store');
    expect(sandbox.admin.stats().tokenRequests).toBe(before);
    expect((await db.collection('users').doc(user).get()).exists).toBe(false);
  });

  it('the request checks still come first: a bad body is 400 whatever the App Check token', async () => {
    const response = await fetch(fn.url, { method: 'POST', headers: { 'content-type': 'application/json', 'x-requested-with': 'x' }, body: '{"code": 5}' });
    expect(response.status).toBe(400);
  });

  it('503 upstream_unavailable with Retry-After when the App Check keys cannot be fetched', async () => {
    const unreachable = await startFunctionUnderTest('exchangeAuthCode', sandbox, {
      REQUIRE_APP_CHECK: 'true',
      APP_CHECK_PROJECT_NUMBER: DEFAULT_APP_CHECK_PROJECT.projectNumber,
      APP_CHECK_JWKS_URL: `http://127.0.0.1:${await freePort()}/v1/jwks`,
      GOOGLE_HTTP_TIMEOUT_MS: '500',
    });
    try {
      const token = (await sandbox.appCheck.mintToken()).token;
      const result = await post(unreachable.url, mintCode(sub()), token);
      expect(result.status).toBe(503);
      expect(result.body.error?.code).toBe('upstream_unavailable');
      expect(Number(result.headers.get('retry-after'))).toBeGreaterThan(0);
      expect(unreachable.logs.join('\n')).not.toContain(token);
    } finally {
      await unreachable.stop();
    }
  });

  it('no App Check token appears in any log line', async () => {
    const token = (await sandbox.appCheck.mintToken({ signWith: 'foreign' })).token;
    await post(fn.url, mintCode(sub()), token);
    expect(fn.logs.some((line) => line.includes('app_check_failed'))).toBe(true);
    expect(fn.logs.join('\n')).not.toContain(token.split('.')[2]!);
  });
});
