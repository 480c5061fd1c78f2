import { createAppCheckVerifier } from '../../../functions/src/app-check/app-check-verifier';
import { freePort } from '../../../scripts/lib/ports';
import { DEFAULT_APP_CHECK_PROJECT, DEFAULT_APP_ID } from '../../../sandbox/src/app-check';
import type { SandboxGoogle } from '../../../sandbox/src/server';
import { startTestSandbox } from '../../support/sandbox';

/** The App Check verifier against the sandbox's App Check key set over HTTP: every documented claim check. */
describe('App Check token verification', () => {
  let sandbox: SandboxGoogle;
  const projectNumber = DEFAULT_APP_CHECK_PROJECT.projectNumber;

  beforeAll(async () => {
    sandbox = await startTestSandbox();
  });
  afterAll(() => sandbox.close());

  const verifier = (overrides: { projectNumber?: string; jwksUrl?: string; now?: () => Date } = {}) =>
    createAppCheckVerifier({ jwksUrl: sandbox.endpoints.appCheckJwksUrl, projectNumber, httpTimeoutMs: 2_000, ...overrides });

  const mint = async (input: Parameters<SandboxGoogle['appCheck']['mintToken']>[0] = {}) => (await sandbox.appCheck.mintToken(input)).token;

  it('accepts a token Firebase would issue for the project, and names the app', async () => {
    await expect(verifier()(await mint())).resolves.toEqual({ appId: DEFAULT_APP_ID });
    await expect(verifier()(await mint({ appId: '1:123456789012:android:feed' }))).resolves.toEqual({ appId: '1:123456789012:android:feed' });
  });

  it.each([
    ['another project', { claims: { aud: ['projects/999', 'projects/other'], iss: 'https://firebaseappcheck.googleapis.com/999' } }],
    ['an audience without our project number', { claims: { aud: ['projects/sandbox-project'] } }],
    ['a foreign issuer', { claims: { iss: 'https://evil.example.com/123456789012' } }],
    ['an issuer only prefixed like ours', { claims: { iss: 'https://firebaseappcheck.googleapis.com/1234567890123' } }],
    ['an expired token', { claims: { exp: Math.floor(Date.now() / 1000) - 120 } }],
    ['no expiry', { claims: { exp: null } }],
    ['no subject (app id)', { claims: { sub: null } }],
    ['an empty subject', { claims: { sub: '' } }],
    ['a signature by a key Firebase never published', { signWith: 'foreign' as const }],
    ['an unsigned token (alg none)', { signWith: 'none' as const }],
    ['an unknown kid', { kid: 'not-a-published-kid' }],
    ['a header type other than JWT', { typ: 'at+jwt' }],
  ])('refuses %s with app_check_failed', async (_name, input) => {
    await expect(verifier()(await mint(input))).rejects.toMatchObject({ code: 'app_check_failed' });
  });

  it('refuses what is not a JWT at all, and anything too long', async () => {
    for (const junk of ['x', 'a.b.c', '....', `${'a'.repeat(5000)}`, 'eyJhbGciOiJSUzI1NiJ9.e30.']) {
      await expect(verifier()(junk)).rejects.toMatchObject({ code: 'app_check_failed' });
    }
  });

  it('judges expiry by the injected clock, with a small tolerance', async () => {
    const token = await mint({ ttlSeconds: 60 });
    await expect(verifier({ now: () => new Date(Date.now() + 60_000 + 20_000) })(token)).resolves.toBeDefined();
    await expect(verifier({ now: () => new Date(Date.now() + 60_000 + 40_000) })(token)).rejects.toMatchObject({ code: 'app_check_failed' });
  });

  it('checks the configured project number, not any number', async () => {
    await expect(verifier({ projectNumber: '42' })(await mint())).rejects.toMatchObject({ code: 'app_check_failed' });
  });

  it('answers upstream_unavailable (not the app\'s fault) when the key set cannot be fetched', async () => {
    const dead = `http://127.0.0.1:${await freePort()}/v1/jwks`;
    await expect(verifier({ jwksUrl: dead })(await mint())).rejects.toMatchObject({ code: 'upstream_unavailable', retryAfterSeconds: 5 });
    const notAKeySet = sandbox.endpoints.jwkCertsUrl.replace('/oauth2/v3/certs', '/v1/no-such-route');
    await expect(verifier({ jwksUrl: notAKeySet })(await mint())).rejects.toMatchObject({ code: 'upstream_unavailable' });
  });

  it('the sandbox mints over its HTTP admin API too', async () => {
    const response = await fetch(`${sandbox.url}/__admin/mint-app-check-token`, { method: 'POST', body: JSON.stringify({ appId: '1:1:ios:http' }) });
    const { token, ttlMillis } = (await response.json()) as { token: string; ttlMillis: number };
    expect(ttlMillis).toBe(3_600_000);
    await expect(verifier()(token)).resolves.toEqual({ appId: '1:1:ios:http' });
    const bad = await fetch(`${sandbox.url}/__admin/mint-app-check-token`, { method: 'POST', body: JSON.stringify({ signWith: 'magic' }) });
    expect(bad.status).toBe(400);
  });
});
