import { eventDocumentId, RISC_EVENTS_COLLECTION } from '../../../functions/src/risc/apply-security-events';
import type { SecurityEventInput } from '../../../sandbox/src/risc';
import type { FunctionUnderTest } from '../../support/function-process';
import { type LifecycleKit, startLifecycleKit } from '../lifecycle/lifecycle-kit';

/** Cross-Account Protection: the sandbox Google pushes signed Security Event Tokens to the real `riscReceiver`. */
describe('riscReceiver', () => {
  let kit: LifecycleKit;
  let fn: FunctionUnderTest;

  beforeAll(async () => {
    kit = await startLifecycleKit('risc');
    fn = await kit.start('riscReceiver', { RISC_CONFIG_URL: kit.sandbox.endpoints.riscConfigUrl });
  });
  afterAll(() => kit?.close());

  const send = (event: SecurityEventInput) => kit.sandbox.risc.sendSecurityEvent({ receiverUrl: fn.url, ...event });

  async function post(body: string, headers: Record<string, string> = { 'content-type': 'application/secevent+jwt' }, method = 'POST') {
    const response = await fetch(fn.url, { method, headers, ...(method === 'GET' ? {} : { body }) });
    const text = await response.text();
    return { status: response.status, headers: response.headers, json: text ? (JSON.parse(text) as { error?: { code: string } }) : undefined };
  }

  async function expectStopped(sub: string, lastError: string): Promise<void> {
    const doc = await kit.user(sub);
    expect(doc).toMatchObject({ status: 'reauth_required', lastError });
    for (const field of ['refreshToken', 'accessToken', 'accessTokenExpiresAt', 'refreshTokenIds', 'lease', 'dispatch'] as const) {
      expect({ field, value: doc?.[field] }).toEqual({ field, value: undefined });
    }
  }

  async function expectUntouched(sub: string): Promise<void> {
    const doc = await kit.user(sub);
    expect(doc).toMatchObject({ status: 'active' });
    expect(doc?.refreshToken).toBeDefined();
    expect(doc?.lastSecurityEvent).toBeUndefined();
  }

  describe('events', () => {
    it('tokens-revoked: offline access stops, tokens deleted, the event recorded; 202 with no body', async () => {
      await kit.connect('u1');
      const delivery = await send({ event: 'tokens-revoked', sub: 'u1' });
      expect(delivery.status).toBe(202);
      expect(delivery.body).toBe('');
      await expectStopped('u1', 'grant_revoked');
      expect((await kit.user('u1'))?.lastSecurityEvent).toMatchObject({ type: 'tokens-revoked', jti: delivery.jti });
    });

    it.each(['hash_base64_sha512_sha512', 'prefix'] as const)('token-revoked (%s) stops only the user holding that refresh token', async (alg) => {
      const [holder, bystander] = [`holder-${alg.length}`, `bystander-${alg.length}`];
      await kit.connect(holder);
      await kit.connect(bystander);
      expect((await send({ event: 'token-revoked', sub: holder, tokenIdentifierAlg: alg })).status).toBe(202);
      await expectStopped(holder, 'grant_revoked');
      await expectUntouched(bystander);
    });

    it('token-revoked for a token nobody stores changes nothing', async () => {
      await kit.connect('u2');
      expect((await send({ event: 'token-revoked', refreshToken: '1//0not-a-token-we-ever-stored' })).status).toBe(202);
      await expectUntouched('u2');
    });

    it('sessions-revoked and account-disabled stop offline access too, with their own codes', async () => {
      await kit.connect('u3');
      await kit.connect('u4');
      expect((await send({ event: 'sessions-revoked', sub: 'u3', subjectType: 'id_token_claims', email: 'u3@example.com' })).status).toBe(202);
      expect((await send({ event: 'account-disabled', sub: 'u4', reason: 'hijacking' })).status).toBe(202);
      await expectStopped('u3', 'sessions_revoked');
      await expectStopped('u4', 'account_disabled');
      expect((await kit.user('u4'))?.lastSecurityEvent).toMatchObject({ type: 'account-disabled', reason: 'hijacking' });
    });

    it('a second stop event for a user already stopped is applied, but not counted as marking them reauth_required again', async () => {
      await kit.connect('u9');
      const before = fn.logs.length;
      expect((await send({ event: 'sessions-revoked', sub: 'u9' })).status).toBe(202);
      expect((await send({ event: 'tokens-revoked', sub: 'u9' })).status).toBe(202);
      await expectStopped('u9', 'grant_revoked');
      const applied = fn.logs
        .slice(before)
        .filter((line) => line.includes('Security event applied'))
        .map((line) => JSON.parse(line.slice(line.indexOf('{'))) as { eventType: string; reauthReason?: string });
      // The metric of users marked reauth_required counts the lines with reauthReason: one for this user.
      expect(applied.map((line) => [line.eventType, line.reauthReason])).toEqual([
        ['sessions-revoked', 'risc_sessions_revoked'],
        ['tokens-revoked', undefined],
      ]);
    });

    it('account-credential-change-required and account-enabled are recorded; the grant is kept', async () => {
      await kit.connect('u5');
      expect((await send({ event: 'account-credential-change-required', sub: 'u5' })).status).toBe(202);
      expect((await kit.user('u5'))?.credentialChangeRequiredAt).toBeDefined();
      expect((await send({ event: 'account-enabled', sub: 'u5' })).status).toBe(202);
      const doc = await kit.user('u5');
      expect(doc).toMatchObject({ status: 'active', lastSecurityEvent: { type: 'account-enabled' } });
      expect(doc?.accountEnabledAt).toBeDefined();
      expect(doc?.refreshToken).toBeDefined();
    });

    it('verification: 202, the state is logged', async () => {
      expect((await send({ event: 'verification', state: 'stream-check-42' })).status).toBe(202);
      await new Promise((resolve) => setTimeout(resolve, 100));
      expect(fn.logs.some((line) => line.includes('RISC verification event received') && line.includes('stream-check-42'))).toBe(true);
    });

    it('an unknown event type: 202, logged and ignored', async () => {
      await kit.connect('u6');
      expect((await send({ event: 'https://schemas.openid.net/secevent/risc/event-type/brand-new', sub: 'u6' })).status).toBe(202);
      await expectUntouched('u6');
      await new Promise((resolve) => setTimeout(resolve, 100));
      expect(fn.logs.some((line) => line.includes('"severity":"WARNING"') && line.includes('brand-new'))).toBe(true);
    });

    it('an event about an account we do not know, or a disconnected one, creates or changes nothing', async () => {
      expect((await send({ event: 'tokens-revoked', sub: 'stranger' })).status).toBe(202);
      expect(await kit.user('stranger')).toBeUndefined();
      await kit.connect('u7');
      const disconnect = await kit.start('disconnect');
      await fetch(disconnect.url, { method: 'POST', headers: { 'x-requested-with': 'x', authorization: `Bearer ${await kit.idToken('u7')}` } });
      const tombstone = await kit.user('u7');
      expect((await send({ event: 'account-disabled', sub: 'u7' })).status).toBe(202);
      expect(await kit.user('u7')).toEqual(tombstone);
    });
  });

  describe('verification of the token', () => {
    it('accepts an expired exp: security events report the past and never expire', async () => {
      await kit.connect('u8');
      const delivery = await send({ event: 'tokens-revoked', sub: 'u8', claims: { exp: Math.floor(Date.now() / 1000) - 86_400 } });
      expect(delivery.status).toBe(202);
      await expectStopped('u8', 'grant_revoked');
    });

    it.each([
      ['a forged signature', { signWith: 'foreign' }],
      ['an unknown kid', { signWith: 'foreign', kid: 'no-such-kid' }],
      ['another audience', { clientId: 'someone-else.apps.googleusercontent.com' }],
      ['another issuer', { claims: { iss: 'https://accounts.google.com/' } }],
      ['no jti', { claims: { jti: null } }],
      ['no events', { claims: { events: {} } }],
    ] as const)('400 invalid_security_event for %s; nothing changes', async (_name, overrides) => {
      await kit.connect('target');
      const { token } = await kit.sandbox.risc.mintSecurityEvent({ event: 'tokens-revoked', sub: 'target', ...overrides });
      const result = await post(token);
      expect({ status: result.status, code: result.json?.error?.code }).toEqual({ status: 400, code: 'invalid_security_event' });
      await expectUntouched('target');
    });

    it.each([
      ['an empty body', ''],
      ['not a JWT', 'hello'],
      ['an unsigned token', `${Buffer.from('{"alg":"none"}').toString('base64url')}.${Buffer.from('{}').toString('base64url')}.`],
      ['an HS256 token', `${Buffer.from('{"alg":"HS256","kid":"k"}').toString('base64url')}.e30.c2ln`],
    ])('400 invalid_security_event for %s', async (_name, body) => {
      const result = await post(body);
      expect({ status: result.status, code: result.json?.error?.code }).toEqual({ status: 400, code: 'invalid_security_event' });
    });

    it('405 for other methods, 413 over 16 KiB', async () => {
      const get = await post('', {}, 'GET');
      expect(get.status).toBe(405);
      expect(get.headers.get('allow')).toBe('POST');
      expect((await post('x'.repeat(17 * 1024))).status).toBe(413);
    });
  });

  describe('duplicates', () => {
    it('a redelivered token is acknowledged and does nothing the second time', async () => {
      await kit.connect('u9');
      const { token, jti } = await kit.sandbox.risc.mintSecurityEvent({ event: 'tokens-revoked', sub: 'u9' });
      expect((await post(token)).status).toBe(202);
      await expectStopped('u9', 'grant_revoked');
      await kit.connect('u9'); // the user signs in again before Google redelivers
      expect((await post(token)).status).toBe(202);
      expect((await kit.user('u9'))?.status).toBe('active');
      const record = await kit.db
        .collection(RISC_EVENTS_COLLECTION)
        .doc(eventDocumentId({ issuer: kit.sandbox.risc.configuration().issuer, jti }))
        .get();
      expect(record.data()).toMatchObject({ jti, events: ['tokens-revoked'], changedUsers: [1] });
      expect(record.data()?.expireAt.toMillis()).toBeGreaterThan(Date.now() + 29 * 86_400_000);
    });

    it('two concurrent deliveries of one token apply it once', async () => {
      await kit.connect('u10');
      const { token } = await kit.sandbox.risc.mintSecurityEvent({ event: 'account-credential-change-required', sub: 'u10' });
      const duplicates = () => fn.logs.filter((line) => line.includes('already received')).length;
      const before = duplicates();
      const results = await Promise.all([post(token), post(token), post(token)]);
      expect(results.map((r) => r.status)).toEqual([202, 202, 202]);
      await new Promise((resolve) => setTimeout(resolve, 100));
      expect(duplicates() - before).toBe(2);
      expect((await kit.user('u10'))?.lastSecurityEvent).toMatchObject({ type: 'account-credential-change-required' });
    });
  });

  it("503 upstream_unavailable with Retry-After when Google's RISC configuration cannot be read (Google retries)", async () => {
    const blind = await kit.start('riscReceiver', { RISC_CONFIG_URL: 'http://127.0.0.1:9/.well-known/risc-configuration', GOOGLE_HTTP_TIMEOUT_MS: '500' });
    const { token } = await kit.sandbox.risc.mintSecurityEvent({ event: 'verification' });
    const response = await fetch(blind.url, { method: 'POST', headers: { 'content-type': 'application/secevent+jwt' }, body: token });
    expect(response.status).toBe(503);
    expect(((await response.json()) as { error: { code: string } }).error.code).toBe('upstream_unavailable');
    expect(Number(response.headers.get('retry-after'))).toBeGreaterThan(0);
  });
});
