import { Timestamp } from '@google-cloud/firestore';
import { PHOTOS_SCOPES } from '../../../functions/src/google-photos/photos-scopes';
import { FULL_SCOPES, TEST_CLIENT } from '../../support/sandbox';
import type { FunctionUnderTest } from '../../support/function-process';
import { type LifecycleKit, startFailingEndpoint, startLifecycleKit } from './lifecycle-kit';

/** The `disconnect` contract (docs/api.md), over HTTP against the real function, Firestore emulator and sandbox Google. */
describe('disconnect contract', () => {
  let kit: LifecycleKit;
  let fn: FunctionUnderTest;
  const secrets: string[] = [];

  beforeAll(async () => {
    kit = await startLifecycleKit('disconnect');
    fn = await kit.start('disconnect', { ALLOWED_AUTHORIZED_PARTIES: TEST_CLIENT.clientId });
  });
  afterAll(() => kit?.close());

  async function call(url: string, headers: Record<string, string | undefined>, method = 'POST', body?: string) {
    const sent: Record<string, string> = {};
    for (const [name, value] of Object.entries(headers)) if (value !== undefined) sent[name] = value;
    const response = await fetch(url, { method, headers: sent, ...(body === undefined ? {} : { body }) });
    const text = await response.text();
    return { status: response.status, headers: response.headers, json: text ? (JSON.parse(text) as { status?: string; error?: { code: string; message: string } }) : undefined };
  }

  const disconnect = async (sub: string, url = fn.url) =>
    call(url, { 'x-requested-with': 'com.example.app', authorization: `Bearer ${await kit.idToken(sub)}` });

  async function connected(sub: string): Promise<void> {
    await kit.connect(sub);
    secrets.push(...(await kit.storedTokens(sub)));
  }

  function expectError(result: Awaited<ReturnType<typeof call>>, status: number, code: string): void {
    expect({ status: result.status, code: result.json?.error?.code }).toEqual({ status, code });
    expect(result.headers.get('cache-control')).toBe('no-store');
  }

  describe('success', () => {
    it('revokes the grant at Google, leaves a tombstone and answers 200 no-store', async () => {
      await connected('ann');
      const before = kit.sandbox.admin.stats();
      const result = await disconnect('ann');
      expect(result.status).toBe(200);
      expect(result.json).toEqual({ status: 'disconnected' });
      expect(result.headers.get('cache-control')).toBe('no-store');
      expect(kit.sandbox.admin.stats().revocations - before.revocations).toBe(1);
      expect(kit.sandbox.admin.grants('ann')).toEqual([]);
      const doc = await kit.user('ann');
      expect(Object.keys(doc ?? {}).sort()).toEqual(['createdAt', 'disconnectedAt', 'shard', 'status', 'updatedAt', 'userId']);
      expect(doc).toMatchObject({ userId: 'ann', status: 'disconnected' });
    });

    it('is idempotent: a second call answers 200 without calling Google or rewriting the tombstone', async () => {
      await connected('ben');
      expect((await disconnect('ben')).status).toBe(200);
      const first = await kit.user('ben');
      const revokes = kit.sandbox.admin.stats().revokeRequests;
      const again = await disconnect('ben');
      expect(again.status).toBe(200);
      expect(again.json).toEqual({ status: 'disconnected' });
      expect(kit.sandbox.admin.stats().revokeRequests).toBe(revokes);
      expect((await kit.user('ben'))?.disconnectedAt?.toMillis()).toBe(first?.disconnectedAt?.toMillis());
    });

    it('answers 200 for a user this server never knew, storing nothing', async () => {
      expect((await disconnect('never-seen')).json).toEqual({ status: 'disconnected' });
      expect(await kit.user('never-seen')).toBeUndefined();
    });

    it('treats a grant Google already revoked as done (400 invalid_token is success)', async () => {
      await connected('cat');
      kit.sandbox.admin.revokeGrant('cat');
      expect((await disconnect('cat')).status).toBe(200);
      expect((await kit.user('cat'))?.revokeError).toBeUndefined();
    });

    it('lets the user connect again afterwards, clearing the tombstone fields', async () => {
      await connected('dan');
      await disconnect('dan');
      await connected('dan');
      const doc = await kit.user('dan');
      expect(doc).toMatchObject({ status: 'active', userId: 'dan' });
      expect(doc?.disconnectedAt).toBeUndefined();
      expect(doc?.refreshToken).toBeDefined();
      expect(doc?.refreshTokenIds).toHaveLength(2);
    });
  });

  describe('when Google cannot revoke', () => {
    it('retries, then deletes locally anyway, records revokeError and logs a WARNING without the token', async () => {
      const google = await startFailingEndpoint(503);
      const flaky = await kit.start('disconnect', { GOOGLE_OAUTH_REVOKE_URL: google.url, GOOGLE_HTTP_TIMEOUT_MS: '1000' });
      try {
        await connected('eve');
        const [refreshToken] = await kit.storedTokens('eve');
        const result = await disconnect('eve', flaky.url);
        expect(result.status).toBe(200);
        expect(google.requests()).toBe(3);
        const doc = await kit.user('eve');
        expect(doc).toMatchObject({ status: 'disconnected', revokeError: 'upstream_unavailable' });
        expect(doc?.refreshToken).toBeUndefined();
        expect(kit.sandbox.admin.grants('eve')).toHaveLength(1); // still live at Google: the record says so
        await new Promise((resolve) => setTimeout(resolve, 100));
        const warning = flaky.logs.find((line) => line.includes('"severity":"WARNING"') && line.includes('upstream_unavailable'));
        expect(warning).toBeDefined();
        expect(flaky.logs.join('\n')).not.toContain(refreshToken);
        expect(flaky.logs.some((line) => line.includes('"severity":"ERROR"'))).toBe(false);
      } finally {
        await flaky.stop();
        await google.close();
      }
    });
  });

  describe('Google Photos sessions', () => {
    const user = (sub: string) => kit.db.collection('users').doc(sub);

    /** A session the worker has listed: its items name the picked files (personal data). */
    async function seedPickedSession(sub: string, sessionId: string): Promise<void> {
      const at = Timestamp.now();
      const session = user(sub).collection('photoSessions').doc(sessionId);
      await session.set({ sessionId, state: 'picked', createdAt: at, updatedAt: at, expireTime: Timestamp.fromMillis(Date.now() + 3_600_000), pollIntervalSeconds: 5 });
      await session.collection('items').doc('item-1').set({ pickedId: 'item-1', state: 'picked', type: 'PHOTO', mimeType: 'image/jpeg', fileName: 'holiday-beach.jpg', updatedAt: at });
    }

    it('deletes each open session at Google before revoking, then its documents; a session Google no longer has is only noted', async () => {
      const picker = await kit.start('createPhotoPickerSession');
      await kit.connect('ray', [...FULL_SCOPES, ...PHOTOS_SCOPES]);
      secrets.push(...(await kit.storedTokens('ray')));
      const headers = { 'x-requested-with': 'x', authorization: `Bearer ${await kit.idToken('ray')}` };
      const created = await Promise.all([1, 2].map(async () => (await (await fetch(picker.url, { method: 'POST', headers })).json()) as { sessionId: string }));
      // The worker finished one (deleted at Google, still open in Firestore): Google answers NOT_FOUND for it.
      const [gone, open] = created.map((c) => c.sessionId);
      await fetch(`${kit.sandbox.endpoints.photosPickerRootUrl}/v1/sessions/${gone}`, { method: 'DELETE', headers: { authorization: `Bearer ${await kit.sandbox.accessTokens.issue({ sub: 'ray', clientId: TEST_CLIENT.clientId, scopes: PHOTOS_SCOPES, lifetimeSeconds: 600 }).token}` } });
      const result = await disconnect('ray');
      expect(result.status).toBe(200);
      expect(kit.sandbox.admin.photosSessions('ray').find((session) => session.id === open)).toMatchObject({ deleted: true });
      expect(kit.sandbox.admin.grants('ray')).toEqual([]);
      expect((await user('ray').collection('photoSessions').get()).empty).toBe(true);
      await new Promise((resolve) => setTimeout(resolve, 100));
      const disconnectLogs = kit.functions.flatMap((f) => f.logs).filter((line) => line.includes(gone!));
      expect(disconnectLogs.some((line) => line.includes('"severity":"INFO"') && line.includes('"errorCode":"not_found"'))).toBe(true);
    });

    it("Google's sessions.delete failing does not stop the disconnect; the sessions, their items and nothing else of Photos go", async () => {
      const google = await startFailingEndpoint(503);
      const flaky = await kit.start('disconnect', { PHOTOS_PICKER_ROOT_URL: new URL(google.url).origin, GOOGLE_HTTP_TIMEOUT_MS: '1000' });
      try {
        await kit.connect('pia', [...FULL_SCOPES, ...PHOTOS_SCOPES]);
        secrets.push(...(await kit.storedTokens('pia')));
        await seedPickedSession('pia', 'session-a');
        await user('pia').collection('photoAlbums').doc('enhanced').set({ title: 'Enhanced', state: 'created', albumId: 'album-1', updatedAt: Timestamp.now() });
        const result = await disconnect('pia', flaky.url);
        expect(result.status).toBe(200);
        // sessions.delete is a DELETE: retried like any idempotent call, then given up on.
        expect(google.requests()).toBeGreaterThanOrEqual(1);
        expect(kit.sandbox.admin.grants('pia')).toEqual([]);
        expect((await user('pia').collection('photoSessions').get()).empty).toBe(true);
        expect((await user('pia').collection('photoSessions').doc('session-a').collection('items').get()).empty).toBe(true);
        expect((await user('pia').collection('photoAlbums').get()).docs.map((d) => d.data().albumId)).toEqual(['album-1']);
        expect((await kit.user('pia'))?.status).toBe('disconnected');
        await new Promise((resolve) => setTimeout(resolve, 100));
        const warning = flaky.logs.find((line) => line.includes('"severity":"WARNING"') && line.includes('session-a'));
        expect(warning).toContain('"errorCode":"unavailable"');
      } finally {
        await flaky.stop();
        await google.close();
      }
    });

    it('a second disconnect deletes session documents a racing worker left behind', async () => {
      await connected('quin');
      expect((await disconnect('quin')).status).toBe(200);
      await seedPickedSession('quin', 'late');
      expect((await disconnect('quin')).status).toBe(200);
      expect((await user('quin').collection('photoSessions').get()).empty).toBe(true);
      expect((await user('quin').collection('photoSessions').doc('late').collection('items').get()).empty).toBe(true);
    });
  });

  describe('request checks', () => {
    it('405 with Allow: POST for other methods', async () => {
      for (const method of ['GET', 'PUT', 'DELETE']) {
        const result = await call(fn.url, { 'x-requested-with': 'x', authorization: `Bearer ${await kit.idToken('ann')}` }, method);
        expectError(result, 405, 'method_not_allowed');
        expect(result.headers.get('allow')).toBe('POST');
      }
    });

    it('403 csrf_header_missing before looking at the token', async () => {
      expectError(await call(fn.url, { authorization: `Bearer ${await kit.idToken('ann')}` }), 403, 'csrf_header_missing');
      expectError(await call(fn.url, { 'x-requested-with': ' ' }), 403, 'csrf_header_missing');
    });

    it('413 payload_too_large for a body over 16 KiB', async () => {
      const result = await call(fn.url, { 'x-requested-with': 'x', 'content-type': 'text/plain' }, 'POST', 'x'.repeat(17 * 1024));
      expectError(result, 413, 'payload_too_large');
    });

    it('401 unauthenticated without a Bearer token', async () => {
      expectError(await call(fn.url, { 'x-requested-with': 'x' }), 401, 'unauthenticated');
      expectError(await call(fn.url, { 'x-requested-with': 'x', authorization: 'Basic dXNlcjpwYXNz' }), 401, 'unauthenticated');
    });

    it.each([
      ['not a JWT', async () => 'garbage'],
      ['forged (a key Google never published)', () => kit.idToken('fay', {}, 'foreign')],
      ['expired', () => kit.idToken('fay', { iat: Math.floor(Date.now() / 1000) - 7200, exp: Math.floor(Date.now() / 1000) - 3600 })],
      ['for another audience', () => kit.idToken('fay', { aud: 'someone-else.apps.googleusercontent.com' })],
      ['from an app not in ALLOWED_AUTHORIZED_PARTIES', () => kit.idToken('fay', { azp: 'someone-else.apps.googleusercontent.com' })],
      ['from another issuer', () => kit.idToken('fay', { iss: 'https://evil.example.com' })],
    ])('401 invalid_id_token for an ID token %s; nothing changes', async (_name, token) => {
      await connected('fay');
      const result = await call(fn.url, { 'x-requested-with': 'x', authorization: `Bearer ${await token()}` });
      expectError(result, 401, 'invalid_id_token');
      expect((await kit.user('fay'))?.status).toBe('active');
    });
  });

  it('no token appears in any log line or answer', async () => {
    expect(secrets.length).toBeGreaterThan(10);
    const logs = kit.functions.flatMap((f) => f.logs).join('\n');
    expect(logs).toContain('User disconnected');
    for (const secret of secrets) expect(logs).not.toContain(secret);
    expect(logs).not.toMatch(/\bat .+\.(js|ts):\d+/);
  });
});
