import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { loadGoogleOAuthConfig } from '../../../functions/src/config';
import type { AppError } from '../../../functions/src/errors/app-error';
import { createOAuthClient } from '../../../functions/src/google/oauth-client';
import { createIdTokenVerifier, verifyGoogleIdToken } from '../../../functions/src/google/verify-id-token';
import type { SandboxGoogle } from '../../../sandbox/src/server';
import { startTestSandbox, TEST_CLIENT } from '../../support/sandbox';

const retry = { maxAttempts: 2, baseDelayMs: 1, maxDelayMs: 10 };

describe('verifyGoogleIdToken against the sandbox certs', () => {
  let sandbox: SandboxGoogle;
  beforeAll(async () => {
    sandbox = await startTestSandbox();
  });
  afterAll(() => sandbox.close());

  function client() {
    return createOAuthClient(
      loadGoogleOAuthConfig({
        GOOGLE_OAUTH_CLIENT_ID: TEST_CLIENT.clientId,
        GOOGLE_OAUTH_CLIENT_SECRET: TEST_CLIENT.clientSecret,
        GOOGLE_OAUTH_CERTS_URL: sandbox.endpoints.pemCertsUrl,
      }),
    );
  }

  const policy = { audiences: [TEST_CLIENT.clientId], authorizedParties: [] as string[], retry };
  const nowSeconds = () => Math.floor(Date.now() / 1000);

  async function rejection(idToken: string, overrides: Partial<typeof policy> = {}): Promise<string> {
    const error = await verifyGoogleIdToken(client(), idToken, { ...policy, ...overrides }).catch((e: unknown) => e);
    return (error as AppError).code;
  }

  it('accepts a valid token and returns the identity keyed by sub', async () => {
    const { idToken } = await sandbox.admin.mintIdToken({ claims: { sub: '42', email: 'ada@example.com', name: 'Ada' } });
    const identity = await verifyGoogleIdToken(client(), idToken, policy);
    expect(identity).toMatchObject({ sub: '42', email: 'ada@example.com', name: 'Ada' });
  });

  it('rejects a token signed by a key Google never published', async () => {
    const { idToken } = await sandbox.admin.mintIdToken({ signWith: 'foreign' });
    expect(await rejection(idToken)).toBe('invalid_id_token');
  });

  it('rejects another audience, another issuer, an expired token and one issued in the future', async () => {
    const other = (await sandbox.admin.mintIdToken({ claims: { aud: 'someone-else.apps.googleusercontent.com' } })).idToken;
    const issuer = (await sandbox.admin.mintIdToken({ claims: { iss: 'https://evil.example.com' } })).idToken;
    const expired = (await sandbox.admin.mintIdToken({ claims: { iat: nowSeconds() - 7200, exp: nowSeconds() - 3600 } })).idToken;
    const future = (await sandbox.admin.mintIdToken({ claims: { iat: nowSeconds() + 3600, exp: nowSeconds() + 7200 } })).idToken;
    expect(await rejection(other)).toBe('invalid_id_token');
    expect(await rejection(issuer)).toBe('invalid_id_token');
    expect(await rejection(expired)).toBe('invalid_id_token');
    expect(await rejection(future)).toBe('invalid_id_token');
  });

  it('checks azp against the allow-list only when one is configured', async () => {
    const { idToken } = await sandbox.admin.mintIdToken({ claims: { azp: 'ios.apps.googleusercontent.com' } });
    await expect(verifyGoogleIdToken(client(), idToken, policy)).resolves.toBeDefined();
    expect(await rejection(idToken, { authorizedParties: ['android.apps.googleusercontent.com'] })).toBe('invalid_id_token');
    await expect(verifyGoogleIdToken(client(), idToken, { ...policy, authorizedParties: ['ios.apps.googleusercontent.com'] })).resolves.toBeDefined();
  });

  it('follows a key rotation with one client: tokens under the old and the new key verify, a foreign one still fails', async () => {
    const rotating = await startTestSandbox({ certsMaxAgeSeconds: 0 });
    try {
      const verifier = createOAuthClient(
        loadGoogleOAuthConfig({
          GOOGLE_OAUTH_CLIENT_ID: TEST_CLIENT.clientId,
          GOOGLE_OAUTH_CLIENT_SECRET: TEST_CLIENT.clientSecret,
          GOOGLE_OAUTH_CERTS_URL: rotating.endpoints.pemCertsUrl,
        }),
      );
      const before = (await rotating.admin.mintIdToken({ claims: { sub: 'before' } })).idToken;
      await expect(verifyGoogleIdToken(verifier, before, policy)).resolves.toMatchObject({ sub: 'before' });
      await rotating.admin.rotateSigningKey();
      const after = (await rotating.admin.mintIdToken({ claims: { sub: 'after' } })).idToken;
      await expect(verifyGoogleIdToken(verifier, after, policy)).resolves.toMatchObject({ sub: 'after' });
      await expect(verifyGoogleIdToken(verifier, before, policy)).resolves.toMatchObject({ sub: 'before' });
      const foreign = (await rotating.admin.mintIdToken({ signWith: 'foreign' })).idToken;
      const error = (await verifyGoogleIdToken(verifier, foreign, policy).catch((e: unknown) => e)) as AppError;
      expect(error.code).toBe('invalid_id_token');
    } finally {
      await rotating.close();
    }
  });

  it('a verifier fetches the certificates when it is made, and a verification during that fetch waits for it', async () => {
    let fetches = 0;
    const relay = createServer((_req, res) => {
      fetches += 1;
      void fetch(sandbox.endpoints.pemCertsUrl).then(async (answer) => {
        res.writeHead(answer.status, { 'content-type': 'application/json', 'cache-control': answer.headers.get('cache-control') ?? '' });
        res.end(await answer.text());
      });
    });
    await new Promise<void>((resolve) => relay.listen(0, '127.0.0.1', resolve));
    try {
      const config = loadGoogleOAuthConfig({
        GOOGLE_OAUTH_CLIENT_ID: TEST_CLIENT.clientId,
        GOOGLE_OAUTH_CLIENT_SECRET: TEST_CLIENT.clientSecret,
        GOOGLE_OAUTH_CERTS_URL: `http://127.0.0.1:${(relay.address() as AddressInfo).port}/oauth2/v1/certs`,
      });
      const { idToken } = await sandbox.admin.mintIdToken({ claims: { sub: 'first' } });
      // Verified at once, while the start-up fetch is in flight: it waits for that fetch.
      const verify = createIdTokenVerifier(createOAuthClient(config), config, retry);
      await expect(verify(idToken)).resolves.toMatchObject({ sub: 'first' });
      await expect(verify(idToken)).resolves.toMatchObject({ sub: 'first' });
      expect(fetches).toBe(1);
      // Never asked to verify anything, a second verifier still fetches.
      createIdTokenVerifier(createOAuthClient(config), config, retry);
      const deadline = Date.now() + 5_000;
      while (fetches < 2 && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 10));
      expect(fetches).toBe(2);
    } finally {
      relay.closeAllConnections();
      await new Promise<void>((resolve) => relay.close(() => resolve()));
    }
  });

  it('rejects garbage without echoing it', async () => {
    const error = (await verifyGoogleIdToken(client(), 'not.a.jwt', policy).catch((e: unknown) => e)) as AppError;
    expect(error.code).toBe('invalid_id_token');
    expect(error.message).not.toContain('not.a.jwt');
  });

  it.each([
    [429, '7', 7, 1],
    [408, undefined, 5, 2],
    [503, '1', 1, 2],
  ])('certs answered %i (Retry-After %s): upstream_unavailable after Retry-After %i s, %i fetch(es), not a bad token', async (status, retryAfter, seconds, attempts) => {
    let fetches = 0;
    const certs = createServer((_req, res) => {
      fetches += 1;
      res.writeHead(status, { 'content-type': 'application/json', ...(retryAfter ? { 'retry-after': retryAfter } : {}) });
      res.end('{"error":"busy"}');
    });
    await new Promise<void>((resolve) => certs.listen(0, '127.0.0.1', resolve));
    try {
      const { idToken } = await sandbox.admin.mintIdToken();
      const busy = createOAuthClient(
        loadGoogleOAuthConfig({
          GOOGLE_OAUTH_CLIENT_ID: TEST_CLIENT.clientId,
          GOOGLE_OAUTH_CLIENT_SECRET: TEST_CLIENT.clientSecret,
          GOOGLE_OAUTH_CERTS_URL: `http://127.0.0.1:${(certs.address() as AddressInfo).port}/oauth2/v1/certs`,
        }),
      );
      // A Retry-After longer than the retry policy allows is passed on at once instead of waited out.
      const error = (await verifyGoogleIdToken(busy, idToken, { ...policy, retry: { maxAttempts: 2, baseDelayMs: 1, maxDelayMs: 2_000 } }).catch((e: unknown) => e)) as AppError;
      expect(error.code).toBe('upstream_unavailable');
      expect(error.retryAfterSeconds).toBe(seconds);
      expect(fetches).toBe(attempts);
    } finally {
      certs.closeAllConnections();
      await new Promise<void>((resolve) => certs.close(() => resolve()));
    }
  });

  it('reports certs it cannot fetch as upstream_unavailable, not as a bad token', async () => {
    const { idToken } = await sandbox.admin.mintIdToken();
    const unreachable = createOAuthClient(
      loadGoogleOAuthConfig({
        GOOGLE_OAUTH_CLIENT_ID: TEST_CLIENT.clientId,
        GOOGLE_OAUTH_CLIENT_SECRET: TEST_CLIENT.clientSecret,
        GOOGLE_OAUTH_CERTS_URL: 'http://127.0.0.1:9/oauth2/v1/certs',
        GOOGLE_HTTP_TIMEOUT_MS: '500',
      }),
    );
    const error = (await verifyGoogleIdToken(unreachable, idToken, policy).catch((e: unknown) => e)) as AppError;
    expect(error.code).toBe('upstream_unavailable');
  });
});
