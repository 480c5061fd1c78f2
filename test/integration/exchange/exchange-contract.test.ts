import { Firestore } from '@google-cloud/firestore';
import { randomBytes } from 'node:crypto';
import { fileKeySource } from '../../../functions/src/tokens/file-key-source';
import { createTokenVault, type SealedToken, type TokenVault } from '../../../functions/src/tokens/vault';
import type { SandboxGoogle } from '../../../sandbox/src/server';
import { type FunctionUnderTest, startFunctionUnderTest } from '../../support/function-process';
import { FULL_SCOPES, startTestSandbox, TEST_CLIENT } from '../../support/sandbox';

/**
 * Every row of the exchange contract (docs/api.md), over HTTP against the real
 * function process, the Firestore emulator and the sandbox Google.
 */
interface ReplyBody {
  userId?: string;
  error?: { code: string; message: string; missingScopes?: string[] };
  [key: string]: unknown;
}

describe('exchangeAuthCode contract', () => {
  let sandbox: SandboxGoogle;
  let fn: FunctionUnderTest;
  let db: Firestore;
  let vault: TokenVault;
  const codes: string[] = [];
  let nextSub = 1000;
  /** Moves the sandbox Google's clock (codes expire by it) without sleeping. */
  let googleClockOffsetMs = 0;

  beforeAll(async () => {
    sandbox = await startTestSandbox({ now: () => Date.now() + googleClockOffsetMs });
    fn = await startFunctionUnderTest('exchangeAuthCode', sandbox, {
      ALLOWED_AUTHORIZED_PARTIES: `${TEST_CLIENT.clientId},ios-app.apps.googleusercontent.com`,
    });
    db = new Firestore({ projectId: fn.projectId });
    vault = createTokenVault(fileKeySource(fn.keyFile));
  });

  afterAll(async () => {
    await fn?.stop();
    await sandbox?.close();
    await db?.terminate();
  });

  afterEach(() => sandbox.admin.setFaults({}));

  const newSub = () => String((nextSub += 1));
  /** Every answer's body and headers, for the secrets test. */
  const answers: string[] = [];

  function mint(sub: string, overrides: Record<string, unknown> = {}): string {
    const { code } = sandbox.admin.mintCode({ sub, email: `user${sub}@example.com`, name: `User ${sub}`, scopes: FULL_SCOPES, ...overrides });
    codes.push(code);
    return code;
  }

  /** Every request carries a trace, as behind Google's front end: the secrets test checks those lines too. */
  const traceparent = () => `00-${randomBytes(16).toString('hex')}-${randomBytes(8).toString('hex')}-01`;

  async function post(body: string | object, headers: Record<string, string> = {}, method = 'POST') {
    const response = await fetch(fn.url, {
      method,
      headers: { 'content-type': 'application/json', 'x-requested-with': 'com.example.app', traceparent: traceparent(), ...headers },
      ...(method === 'GET' || method === 'HEAD' ? {} : { body: typeof body === 'string' ? body : JSON.stringify(body) }),
    });
    const text = await response.text();
    answers.push(text, JSON.stringify([...response.headers]));
    return { status: response.status, headers: response.headers, json: text ? (JSON.parse(text) as ReplyBody) : undefined };
  }

  const userDoc = async (sub: string) => (await db.collection('users').doc(sub).get()).data();

  /** Google's answer to a refresh with the refresh token stored for `sub`, decrypted. */
  async function refreshStored(sub: string): Promise<Response> {
    const refreshToken = await vault.open(sub, 'refreshToken', (await userDoc(sub))?.refreshToken as SealedToken);
    return fetch(sandbox.endpoints.tokenUrl, {
      method: 'POST',
      body: new URLSearchParams({ grant_type: 'refresh_token', refresh_token: refreshToken, client_id: TEST_CLIENT.clientId, client_secret: TEST_CLIENT.clientSecret }),
    });
  }

  function expectError(result: Awaited<ReturnType<typeof post>>, status: number, code: string): void {
    expect({ status: result.status, code: result.json?.error?.code }).toEqual({ status, code });
    expect(typeof result.json?.error?.message).toBe('string');
    expect(result.headers.get('cache-control')).toBe('no-store');
  }

  describe('success', () => {
    it('stores the profile, scopes and sealed tokens and answers 200 no-store', async () => {
      const sub = newSub();
      const result = await post({ code: mint(sub, { forceConsent: true, locale: 'fr', picture: 'https://example.com/p.png' }) });
      expect(result.status).toBe(200);
      expect(result.headers.get('cache-control')).toBe('no-store');
      expect(result.json).toEqual({
        userId: sub,
        email: `user${sub}@example.com`,
        scopes: expect.arrayContaining(['openid', 'https://www.googleapis.com/auth/drive.appdata']),
        status: 'active',
      });
      const doc = await userDoc(sub);
      expect(doc).toMatchObject({
        userId: sub,
        email: `user${sub}@example.com`,
        status: 'active',
        profile: { email: `user${sub}@example.com`, name: `User ${sub}`, locale: 'fr', picture: 'https://example.com/p.png', emailVerified: true },
        refreshToken: { alg: 'A256GCM', keyVersion: '1' },
        accessToken: { alg: 'A256GCM', keyVersion: '1' },
      });
      for (const field of ['createdAt', 'updatedAt', 'connectedAt', 'nextRunAt', 'accessTokenExpiresAt']) {
        expect(doc?.[field]?.toDate()).toBeInstanceOf(Date);
      }
      expect(doc?.nextRunAt.toMillis()).toBeLessThanOrEqual(Date.now());
      expect(doc?.accessTokenExpiresAt.toMillis()).toBeGreaterThan(Date.now() + 50 * 60_000);
    });

    it('stores the real refresh token: it refreshes at Google after decryption', async () => {
      const sub = newSub();
      await post({ code: mint(sub) });
      expect((await refreshStored(sub)).status).toBe(200);
    });

    it('accepts a form-urlencoded body', async () => {
      const sub = newSub();
      const result = await post(`code=${encodeURIComponent(mint(sub))}`, { 'content-type': 'application/x-www-form-urlencoded' });
      expect(result.status).toBe(200);
    });

    it('keeps the stored refresh token when Google returns none, updating the profile', async () => {
      const sub = newSub();
      await post({ code: mint(sub) });
      const before = await userDoc(sub);
      const again = await post({ code: mint(sub, { name: 'Renamed' }) });
      expect(again.status).toBe(200);
      const after = await userDoc(sub);
      expect(after?.refreshToken).toEqual(before?.refreshToken);
      expect(after?.accessToken).not.toEqual(before?.accessToken);
      expect(after?.profile.name).toBe('Renamed');
      expect(after?.scopes).toEqual(before?.scopes);
      expect(after?.createdAt.toMillis()).toBe(before?.createdAt.toMillis());
    });

    it('stores the new scope set, and the new refresh token, when the user grants one more scope', async () => {
      const sub = newSub();
      await post({ code: mint(sub) });
      const before = await userDoc(sub);
      const picker = 'https://www.googleapis.com/auth/photospicker.mediaitems.readonly';
      expect(before?.scopes).not.toContain(picker);

      const again = await post({ code: mint(sub, { scopes: [...FULL_SCOPES, picker] }) });

      expect(again.status).toBe(200);
      expect(again.json?.scopes).toContain(picker);
      const after = await userDoc(sub);
      // Google's names for what was granted (email and profile come back as userinfo.* URLs).
      expect([...(after?.scopes as string[])].sort()).toEqual([...(before?.scopes as string[]), picker].sort());
      expect(after?.refreshToken).not.toEqual(before?.refreshToken);
      // The stored token is the new grant's: it refreshes at Google with the picker scope.
      const refreshed = await refreshStored(sub);
      expect(refreshed.status).toBe(200);
      expect(((await refreshed.json()) as { scope: string }).scope.split(' ')).toContain(picker);
    });
  });

  describe('request checks', () => {
    it('405 with Allow: POST for other methods', async () => {
      for (const method of ['GET', 'PUT', 'DELETE', 'PATCH']) {
        const result = await post({}, {}, method);
        expectError(result, 405, 'method_not_allowed');
        expect(result.headers.get('allow')).toBe('POST');
      }
    });

    it('403 csrf_header_missing without or with an empty X-Requested-With', async () => {
      const code = mint(newSub());
      expectError(await post({ code }, { 'x-requested-with': '' }), 403, 'csrf_header_missing');
      const bare = await fetch(fn.url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ code }) });
      expect(bare.status).toBe(403);
      expect(((await bare.json()) as { error: { code: string } }).error.code).toBe('csrf_header_missing');
    });

    it('413 payload_too_large over 16 KiB', async () => {
      expectError(await post({ code: 'a', padding: 'x'.repeat(17 * 1024) }), 413, 'payload_too_large');
    });

    it('415 unsupported_media_type for other content types', async () => {
      expectError(await post('code=abc', { 'content-type': 'text/plain' }), 415, 'unsupported_media_type');
      expectError(await post('<code/>', { 'content-type': 'application/xml' }), 415, 'unsupported_media_type');
    });

    it.each([
      ['malformed JSON', '{"code": '],
      ['a bare null', 'null'],
      ['no code', { token: 'x' }],
      ['a non-string code', { code: 12 }],
      ['an empty code', { code: '' }],
      ['a code over 1024 characters', { code: 'a'.repeat(1025) }],
      ['a code with spaces', { code: '4/0A b' }],
    ])('400 invalid_request for %s', async (_name, body) => {
      expectError(await post(body as string | object), 400, 'invalid_request');
    });
  });

  describe("Google's answers", () => {
    it('400 invalid_grant for a used or unknown code, without retrying', async () => {
      const sub = newSub();
      const code = mint(sub);
      expect((await post({ code })).status).toBe(200);
      const before = sandbox.admin.stats().tokenRequests;
      expectError(await post({ code }), 400, 'invalid_grant');
      expectError(await post({ code: '4/0AunknownCode' }), 400, 'invalid_grant');
      expect(sandbox.admin.stats().tokenRequests - before).toBe(2);
    });

    it('400 invalid_grant for a code older than its 10 minutes', async () => {
      const code = mint(newSub());
      googleClockOffsetMs = 11 * 60_000;
      try {
        expectError(await post({ code }), 400, 'invalid_grant');
      } finally {
        googleClockOffsetMs = 0;
      }
    });

    it('400 id_token_missing when the app did not ask for openid/email/profile', async () => {
      const sub = newSub();
      expectError(await post({ code: mint(sub, { scopes: ['https://www.googleapis.com/auth/drive.appdata'] }) }), 400, 'id_token_missing');
      expect(await userDoc(sub)).toBeUndefined();
    });

    it('401 invalid_id_token when azp is not an allowed app; nothing stored', async () => {
      const sub = newSub();
      expectError(await post({ code: mint(sub, { authorizedParty: 'someone-else.apps.googleusercontent.com' }) }), 401, 'invalid_id_token');
      expect(await userDoc(sub)).toBeUndefined();
      expect((await post({ code: mint(sub, { authorizedParty: 'ios-app.apps.googleusercontent.com', forceConsent: true }) })).status).toBe(200);
    });

    it('403 insufficient_scope names the missing scopes and stores nothing', async () => {
      const sub = newSub();
      const result = await post({ code: mint(sub, { scopes: ['openid', 'email', 'profile'] }) });
      expectError(result, 403, 'insufficient_scope');
      expect(result.json?.error?.missingScopes).toEqual(['https://www.googleapis.com/auth/drive.appdata']);
      expect(await userDoc(sub)).toBeUndefined();
    });

    it('409 reconsent_required when Google sends no refresh token and none is stored', async () => {
      const sub = newSub();
      // Consent happens at Google, but this server refuses the sign-in (an app it does not accept):
      // Google will not send a refresh token again without forced consent.
      expect((await post({ code: mint(sub, { authorizedParty: 'someone-else.apps.googleusercontent.com' }) })).status).toBe(401);
      expectError(await post({ code: mint(sub) }), 409, 'reconsent_required');
      expect(await userDoc(sub)).toBeUndefined();
      expect((await post({ code: mint(sub, { forceConsent: true }) })).status).toBe(200);
    });

    it('503 upstream_unavailable with Retry-After after bounded retries of 5xx', async () => {
      const sub = newSub();
      const before = sandbox.admin.stats();
      sandbox.admin.setFaults({ tokenEndpoint: { failNext: { count: 10, status: 503 } } });
      const result = await post({ code: mint(sub) });
      expectError(result, 503, 'upstream_unavailable');
      expect(Number(result.headers.get('retry-after'))).toBeGreaterThan(0);
      expect(sandbox.admin.stats().tokenRequests - before.tokenRequests).toBe(3);
      expect(await userDoc(sub)).toBeUndefined();
    });

    it('recovers when a 5xx is followed by success within the retry budget', async () => {
      const sub = newSub();
      sandbox.admin.setFaults({ tokenEndpoint: { failNext: { count: 1, status: 500 } } });
      expect((await post({ code: mint(sub) })).status).toBe(200);
    });

    it('503 passes on a Retry-After longer than the retry budget without waiting', async () => {
      sandbox.admin.setFaults({ tokenEndpoint: { failNext: { count: 10, status: 429, retryAfterSeconds: 120 } } });
      const started = Date.now();
      const result = await post({ code: mint(newSub()) });
      expectError(result, 503, 'upstream_unavailable');
      expect(result.headers.get('retry-after')).toBe('120');
      expect(Date.now() - started).toBeLessThan(2_000);
    });
  });

  describe('misconfiguration and outages', () => {
    it('500 oauth_client_misconfigured, logged at ERROR, when Google rejects our client', async () => {
      const wrong = await startFunctionUnderTest('exchangeAuthCode', sandbox, { GOOGLE_OAUTH_CLIENT_SECRET: 'wrong-secret', GOOGLE_CLOUD_PROJECT: fn.projectId, TOKEN_KEY_FILE: fn.keyFile });
      try {
        const code = mint(newSub());
        const response = await fetch(wrong.url, { method: 'POST', headers: { 'content-type': 'application/json', 'x-requested-with': 'x' }, body: JSON.stringify({ code }) });
        expect(response.status).toBe(500);
        expect(((await response.json()) as { error: { code: string } }).error.code).toBe('oauth_client_misconfigured');
        await new Promise((r) => setTimeout(r, 100));
        const errorLines = wrong.logs.filter((line) => line.includes('"severity":"ERROR"'));
        expect(errorLines.some((line) => line.includes('oauth_client_misconfigured') && line.includes('invalid_client'))).toBe(true);
        expect(wrong.logs.join('\n')).not.toContain('wrong-secret');
        expect(wrong.logs.join('\n')).not.toContain(code);
      } finally {
        await wrong.stop();
      }
    });

    it('503 upstream_unavailable when Google cannot be reached at all', async () => {
      const offline = await startFunctionUnderTest('exchangeAuthCode', sandbox, {
        GOOGLE_OAUTH_TOKEN_URL: 'http://127.0.0.1:9/token',
        GOOGLE_HTTP_TIMEOUT_MS: '500',
        GOOGLE_CLOUD_PROJECT: fn.projectId,
        TOKEN_KEY_FILE: fn.keyFile,
      });
      try {
        const response = await fetch(offline.url, { method: 'POST', headers: { 'content-type': 'application/json', 'x-requested-with': 'x' }, body: JSON.stringify({ code: '4/0Aabc' }) });
        expect(response.status).toBe(503);
        expect(response.headers.get('retry-after')).toMatch(/^\d+$/);
      } finally {
        await offline.stop();
      }
    });
  });

  describe('storage', () => {
    it('two concurrent exchanges for one user leave one consistent record', async () => {
      const sub = newSub();
      const results = await Promise.all([post({ code: mint(sub, { forceConsent: true }) }), post({ code: mint(sub, { forceConsent: true }) })]);
      expect(results.map((r) => r.status)).toEqual([200, 200]);
      const doc = await userDoc(sub);
      const refreshToken = await vault.open(sub, 'refreshToken', doc?.refreshToken as SealedToken);
      const accessToken = await vault.open(sub, 'accessToken', doc?.accessToken as SealedToken);
      expect(refreshToken).toMatch(/\S/);
      expect(accessToken).toMatch(/\S/);
      const grants = sandbox.admin.grants(sub);
      expect(grants.length).toBe(1);
    });

    it("a ciphertext copied into another user's document or field, or tampered with, does not open", async () => {
      const [a, b] = [newSub(), newSub()];
      await post({ code: mint(a) });
      await post({ code: mint(b) });
      const docA = await userDoc(a);
      const sealed = docA?.refreshToken as SealedToken;
      await expect(vault.open(b, 'refreshToken', sealed)).rejects.toMatchObject({ code: 'decrypt_failed' });
      await expect(vault.open(a, 'accessToken', sealed)).rejects.toMatchObject({ code: 'decrypt_failed' });
      const flipped = Buffer.from(sealed.ciphertext, 'base64url');
      flipped[0] = flipped[0]! ^ 1;
      await expect(vault.open(a, 'refreshToken', { ...sealed, ciphertext: flipped.toString('base64url') })).rejects.toMatchObject({ code: 'decrypt_failed' });
      await expect(vault.open(a, 'refreshToken', sealed)).resolves.toMatch(/\S/);
    });
  });

  describe('secrets', () => {
    it('no code or token appears in any log line, response or Firestore field in plaintext', async () => {
      const snapshot = await db.collection('users').get();
      const secrets = [...codes];
      for (const doc of snapshot.docs) {
        const data = doc.data();
        if (data.refreshToken) secrets.push(await vault.open(doc.id, 'refreshToken', data.refreshToken as SealedToken));
        if (data.accessToken) secrets.push(await vault.open(doc.id, 'accessToken', data.accessToken as SealedToken));
      }
      expect(snapshot.size).toBeGreaterThan(5);
      expect(secrets.length).toBeGreaterThan(snapshot.size * 2);
      const stored = JSON.stringify(snapshot.docs.map((doc) => doc.data()));
      const logs = fn.logs.join('\n');
      expect(logs.length).toBeGreaterThan(0);
      for (const secret of secrets) {
        expect(stored.includes(secret)).toBe(false);
        expect(logs.includes(secret)).toBe(false);
      }
      expect(logs).not.toContain(TEST_CLIENT.clientSecret);
      // By shape too, for what this test never saw in plaintext (the ID tokens Google sent, tokens of
      // failed exchanges): a JWT, a Google access token (ya29.) or refresh token (1//0).
      for (const [where, text] of [['logs', logs], ['Firestore', stored], ['answers', JSON.stringify(answers)]] as const) {
        expect({ where, found: text.match(/eyJ[\w-]{8,}\.[\w-]{8,}\.[\w-]*|ya29\.[\w-]+|1\/\/0[\w-]+/g) }).toEqual({ where, found: null });
      }
      expect(answers.length).toBeGreaterThan(20);
      expect(logs).not.toMatch(/\bat .+\.(js|ts):\d+/);
      // One answer line per exchange, with its request's trace when it sent one (post() does): the new fields hold no secret either.
      const answered = fn.logs.filter((line) => line.includes('"Request answered"')).map((line) => JSON.parse(line) as Record<string, unknown>);
      const traced = answered.filter((line) => line['logging.googleapis.com/trace'] !== undefined);
      expect(traced.length).toBeGreaterThan(10);
      for (const line of traced) expect(line['logging.googleapis.com/trace']).toMatch(new RegExp(`^projects/${fn.projectId}/traces/[0-9a-f]{32}$`));
      expect([...new Set(answered.map((line) => line.answer))]).toEqual(expect.arrayContaining(['ok', 'invalid_grant']));
    });
  });
});
