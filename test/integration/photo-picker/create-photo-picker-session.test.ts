import { Timestamp } from '@google-cloud/firestore';
import { PHOTOS_APPEND_SCOPE, PHOTOS_PICKER_SCOPE, PHOTOS_READ_APP_CREATED_SCOPE, PHOTOS_SCOPES } from '../../../functions/src/google-photos/photos-scopes';
import type { PhotoSessionDoc } from '../../../functions/src/google-photos/session-store';
import type { FunctionUnderTest } from '../../support/function-process';
import { FULL_SCOPES } from '../../support/sandbox';
import { type LifecycleKit, startFailingEndpoint, startLifecycleKit } from '../lifecycle/lifecycle-kit';

const PHOTOS_USER_SCOPES = [...FULL_SCOPES, ...PHOTOS_SCOPES];

/** The `createPhotoPickerSession` contract (docs/api.md), over HTTP against the real function, the Firestore emulator and the sandbox Google. */
describe('createPhotoPickerSession contract', () => {
  let kit: LifecycleKit;
  /** Against the sandbox's Picker API (google.endpoints.photosPickerRootUrl). */
  let fn: FunctionUnderTest;
  /** A Picker API that answers 503 to everything, counting requests. */
  let downPicker: Awaited<ReturnType<typeof startFailingEndpoint>>;
  let down: FunctionUnderTest;

  beforeAll(async () => {
    kit = await startLifecycleKit('picker-session');
    downPicker = await startFailingEndpoint(503);
    [fn, down] = await Promise.all([
      kit.start('createPhotoPickerSession'),
      kit.start('createPhotoPickerSession', { PHOTOS_PICKER_ROOT_URL: new URL(downPicker.url).origin }),
    ]);
  });
  afterEach(() => kit.sandbox.admin.setFaults({}));
  afterAll(async () => {
    await kit?.close();
    await downPicker?.close();
  });

  /** Picker calls the sandbox served for `sub` (sessions.create, sessions.delete, ...). */
  const pickerCalls = (sub: string) => kit.sandbox.admin.stats().photos.users[sub]?.calls ?? {};

  interface Answer {
    status: number;
    headers: Headers;
    json: { sessionId?: string; pickerUri?: string; expireTime?: string; error?: { code: string; message: string; missingScopes?: string[] } } | undefined;
  }

  async function call(url: string, headers: Record<string, string>, method = 'POST'): Promise<Answer> {
    const response = await fetch(url, { method, headers });
    const text = await response.text();
    return { status: response.status, headers: response.headers, json: text ? (JSON.parse(text) as Answer['json']) : undefined };
  }

  const create = async (sub: string, url = fn.url) => call(url, { 'x-requested-with': 'com.example.app', authorization: `Bearer ${await kit.idToken(sub)}` });

  function expectError(result: Answer, status: number, code: string): void {
    expect({ status: result.status, code: result.json?.error?.code }).toEqual({ status, code });
    expect(result.headers.get('cache-control')).toBe('no-store');
  }

  const sessions = async (sub: string) => (await kit.db.collection('users').doc(sub).collection('photoSessions').get()).docs.map((d) => d.data() as PhotoSessionDoc);

  async function seedSession(sub: string, id: string, expireTime: Date, state: PhotoSessionDoc['state'] = 'open'): Promise<void> {
    const at = Timestamp.now();
    const doc: PhotoSessionDoc = { sessionId: id, state, createdAt: at, updatedAt: at, expireTime: Timestamp.fromDate(expireTime), pollIntervalSeconds: 5 };
    await kit.db.collection('users').doc(sub).collection('photoSessions').doc(id).set(doc);
  }

  describe('success', () => {
    it('creates a session at Google, records it open, and answers 200 {sessionId, pickerUri, expireTime} no-store', async () => {
      await kit.connect('ada', PHOTOS_USER_SCOPES);
      const result = await create('ada');
      expect(result.status).toBe(200);
      expect(result.headers.get('cache-control')).toBe('no-store');
      expect(Object.keys(result.json ?? {}).sort()).toEqual(['expireTime', 'pickerUri', 'sessionId']);
      const [atGoogle, ...more] = kit.sandbox.admin.photosSessions('ada');
      expect(more).toEqual([]);
      expect(atGoogle).toMatchObject({ id: result.json?.sessionId, deleted: false, mediaItemsSet: false });
      // Google's RFC 3339 string, as Google wrote it.
      expect(result.json?.expireTime).toBe(atGoogle?.expireTime);
      expect(result.json?.pickerUri).toMatch(/^https?:\/\//);
      const [stored, ...others] = await sessions('ada');
      expect(others).toEqual([]);
      expect(stored).toMatchObject({ sessionId: result.json?.sessionId, state: 'open', pollIntervalSeconds: 5 });
      expect(stored?.expireTime.toMillis()).toBe(Date.parse(result.json!.expireTime!));
      expect(Object.keys(stored ?? {}).sort()).toEqual(['createdAt', 'expireTime', 'pollIntervalSeconds', 'sessionId', 'state', 'updatedAt']);
      expect(pickerCalls('ada')).toEqual({ 'sessions.create': 1 });
    });

    it("moves nextRunAt to now + Google's pollInterval when that is sooner, and never later", async () => {
      kit.sandbox.admin.photosSetSessionTiming({ pollIntervalSeconds: 2.5 });
      try {
        await kit.connect('bea', PHOTOS_USER_SCOPES);
        await kit.db.collection('users').doc('bea').update({ nextRunAt: Timestamp.fromMillis(Date.now() + 3_600_000) });
        const before = Date.now();
        expect((await create('bea')).status).toBe(200);
        const next = (await kit.user('bea'))!.nextRunAt.toMillis();
        expect(next).toBeGreaterThanOrEqual(before + 2_500);
        expect(next).toBeLessThanOrEqual(Date.now() + 2_500);
        expect((await sessions('bea'))[0]?.pollIntervalSeconds).toBe(2.5);

        const soon = Timestamp.fromMillis(Date.now() + 1_000);
        await kit.db.collection('users').doc('bea').update({ nextRunAt: soon });
        expect((await create('bea')).status).toBe(200);
        expect((await kit.user('bea'))!.nextRunAt.toMillis()).toBe(soon.toMillis());
      } finally {
        kit.sandbox.admin.photosSetSessionTiming({ pollIntervalSeconds: 5 });
      }
    });

    it('refreshes an access token about to expire, and writes nothing but the session and nextRunAt', async () => {
      await kit.connect('cid', PHOTOS_USER_SCOPES);
      await kit.db.collection('users').doc('cid').update({ accessTokenExpiresAt: Timestamp.fromMillis(Date.now() + 60_000) });
      const before = await kit.user('cid');
      const refreshes = kit.sandbox.admin.stats().refreshes;
      expect((await create('cid')).status).toBe(200);
      expect(kit.sandbox.admin.stats().refreshes - refreshes).toBe(1);
      const after = await kit.user('cid');
      expect(after?.accessToken).toEqual(before?.accessToken);
      expect(after?.refreshToken).toEqual(before?.refreshToken);
    });
  });

  describe('refusals that create nothing at Google', () => {
    it('403 insufficient_scope naming every Photos scope a Drive-only grant lacks', async () => {
      await kit.connect('drive-only');
      const requests = downPicker.requests();
      const result = await create('drive-only');
      expectError(result, 403, 'insufficient_scope');
      expect(result.json?.error?.missingScopes).toEqual([PHOTOS_PICKER_SCOPE, PHOTOS_APPEND_SCOPE, PHOTOS_READ_APP_CREATED_SCOPE]);
      expect(downPicker.requests()).toBe(requests);
      expect(kit.sandbox.admin.photosSessions('drive-only')).toEqual([]);
      expect(pickerCalls('drive-only')).toEqual({});
      expect(await sessions('drive-only')).toEqual([]);
    });

    it('403 insufficient_scope naming only the missing ones when the grant has the Picker scope alone', async () => {
      await kit.connect('picker-only', [...FULL_SCOPES, PHOTOS_PICKER_SCOPE]);
      const result = await create('picker-only');
      expectError(result, 403, 'insufficient_scope');
      expect(result.json?.error?.missingScopes).toEqual([PHOTOS_APPEND_SCOPE, PHOTOS_READ_APP_CREATED_SCOPE]);
    });

    it('409 not_connected for a user this server never stored, and for one who disconnected', async () => {
      expectError(await create('stranger'), 409, 'not_connected');
      expect(await kit.user('stranger')).toBeUndefined();
      await kit.connect('left', PHOTOS_USER_SCOPES);
      const disconnect = await kit.start('disconnect');
      await call(disconnect.url, { 'x-requested-with': 'x', authorization: `Bearer ${await kit.idToken('left')}` });
      expectError(await create('left'), 409, 'not_connected');
    });

    it('409 reauth_required for a user whose offline access stopped', async () => {
      await kit.connect('stopped', PHOTOS_USER_SCOPES);
      await kit.db.collection('users').doc('stopped').update({ status: 'reauth_required' });
      const requests = downPicker.requests();
      expectError(await create('stopped'), 409, 'reauth_required');
      expect(downPicker.requests()).toBe(requests);
    });

    it('409 reauth_required when Google says the grant is revoked (refresh: invalid_grant), writing nothing', async () => {
      await kit.connect('revoked', PHOTOS_USER_SCOPES);
      // The cached access token is too close to expiry to be used, so the function refreshes.
      await kit.db.collection('users').doc('revoked').update({ accessTokenExpiresAt: Timestamp.fromMillis(Date.now() + 60_000) });
      kit.sandbox.admin.revokeGrant('revoked');
      const before = await kit.db.collection('users').doc('revoked').get();
      const requests = downPicker.requests();
      const result = await create('revoked');
      expectError(result, 409, 'reauth_required');
      expect(downPicker.requests()).toBe(requests);
      const after = await kit.db.collection('users').doc('revoked').get();
      expect(after.updateTime?.isEqual(before.updateTime!)).toBe(true);
    });

    it('429 too_many_sessions at PHOTOS_MAX_OPEN_SESSIONS live sessions; expired and finished ones do not count', async () => {
      await kit.connect('busy', PHOTOS_USER_SCOPES);
      const later = new Date(Date.now() + 3_600_000);
      await Promise.all([seedSession('busy', 's1', later), seedSession('busy', 's2', later, 'picked'), seedSession('busy', 's3', later)]);
      const result = await create('busy');
      expectError(result, 429, 'too_many_sessions');
      expect(result.json?.error).toMatchObject({ maxOpenSessions: 3 });
      expect(kit.sandbox.admin.photosSessions('busy')).toEqual([]);
      expect((await sessions('busy')).map((s) => s.sessionId).sort()).toEqual(['s1', 's2', 's3']);

      await kit.connect('idle', PHOTOS_USER_SCOPES);
      const past = new Date(Date.now() - 60_000);
      await Promise.all([seedSession('idle', 'old1', past), seedSession('idle', 'old2', later, 'done'), seedSession('idle', 'old3', later, 'expired'), seedSession('idle', 'old4', later)]);
      expect((await create('idle')).status).toBe(200);
      expect(kit.sandbox.admin.photosSessions('idle')).toHaveLength(1);
    });
  });

  describe('when Google Photos fails', () => {
    it.each([
      [503, 0, 5],
      [429, 7, 7],
    ])('Google answers %s (Retry-After %s s, 0: none): 503 upstream_unavailable with Retry-After %s; not repeated, nothing stored', async (status, retryAfterSeconds, expected) => {
      const sub = `fault-${status}`;
      await kit.connect(sub, PHOTOS_USER_SCOPES);
      const before = await kit.user(sub);
      kit.sandbox.admin.setFaults({ photos: { failNext: { count: 1, status, method: 'sessions.create', ...(retryAfterSeconds ? { retryAfterSeconds } : {}) } } });
      const result = await create(sub);
      expectError(result, 503, 'upstream_unavailable');
      expect(result.headers.get('retry-after')).toBe(String(expected));
      expect(pickerCalls(sub)['sessions.create']).toBe(1);
      expect(kit.sandbox.admin.photosSessions(sub)).toEqual([]);
      expect(await sessions(sub)).toEqual([]);
      expect((await kit.user(sub))?.nextRunAt.toMillis()).toBe(before?.nextRunAt.toMillis());
    });

    it('Google refuses the cached access token and the refresh it asks for meets 503s: 503 upstream_unavailable with its Retry-After, nothing stored', async () => {
      await kit.connect('twice-unlucky', PHOTOS_USER_SCOPES);
      const before = await kit.user('twice-unlucky');
      kit.sandbox.admin.expireAccessTokens('twice-unlucky');
      kit.sandbox.admin.setFaults({ tokenEndpoint: { failNext: { count: 20, status: 503, retryAfterSeconds: 30 } } });
      const result = await create('twice-unlucky');
      expectError(result, 503, 'upstream_unavailable');
      expect(result.headers.get('retry-after')).toBe('30');
      expect(await sessions('twice-unlucky')).toEqual([]);
      expect(await kit.user('twice-unlucky')).toEqual(before);
    });

    it('503 upstream_unavailable with Retry-After; the create is not repeated and nothing is stored', async () => {
      await kit.connect('unlucky', PHOTOS_USER_SCOPES);
      const before = await kit.user('unlucky');
      const requests = downPicker.requests();
      const result = await create('unlucky', down.url);
      expectError(result, 503, 'upstream_unavailable');
      expect(Number(result.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
      expect(downPicker.requests() - requests).toBe(1);
      expect(await sessions('unlucky')).toEqual([]);
      expect((await kit.user('unlucky'))?.nextRunAt.toMillis()).toBe(before?.nextRunAt.toMillis());
      const secrets = await kit.storedTokens('unlucky');
      await new Promise((resolve) => setTimeout(resolve, 100));
      for (const secret of secrets) expect(down.logs.join('\n')).not.toContain(secret);
    });
  });

  describe('at its deadline', () => {
    it('answers 503 deadline_exceeded while the token endpoint hangs, and its refresh starts no retry after it', async () => {
      // REQUEST_TIMEOUT_SECONDS=4: the answer comes at 3 s; without the deadline, 30 attempts of 1 s each.
      const timed = await kit.start('createPhotoPickerSession', { REQUEST_TIMEOUT_SECONDS: '4', GOOGLE_HTTP_TIMEOUT_MS: '1000', GOOGLE_HTTP_MAX_ATTEMPTS: '30' });
      try {
        await kit.connect('late', PHOTOS_USER_SCOPES);
        await kit.db.collection('users').doc('late').update({ accessTokenExpiresAt: Timestamp.fromMillis(0) });
        const idToken = await kit.idToken('late');
        kit.sandbox.admin.setFaults({ tokenEndpoint: { hang: true } });
        const started = Date.now();
        const result = await call(timed.url, { 'x-requested-with': 'com.example.app', authorization: `Bearer ${idToken}` });
        expect(Date.now() - started).toBeLessThan(4_000);
        expectError(result, 503, 'deadline_exceeded');
        await new Promise((resolve) => setTimeout(resolve, 200));
        const atDeadline = kit.sandbox.admin.stats().tokenRequests;
        await new Promise((resolve) => setTimeout(resolve, 3_500));
        expect(kit.sandbox.admin.stats().tokenRequests).toBe(atDeadline);
        expect(await sessions('late')).toEqual([]);
      } finally {
        kit.sandbox.admin.setFaults({});
        await timed.stop();
      }
    }, 30_000);
  });

  describe('request checks', () => {
    it('405 with Allow: POST for other methods', async () => {
      for (const method of ['GET', 'PUT', 'DELETE']) {
        const result = await call(fn.url, { 'x-requested-with': 'x', authorization: `Bearer ${await kit.idToken('drive-only')}` }, method);
        expectError(result, 405, 'method_not_allowed');
        expect(result.headers.get('allow')).toBe('POST');
      }
    });

    it('403 csrf_header_missing before looking at the token', async () => {
      expectError(await call(fn.url, { authorization: `Bearer ${await kit.idToken('drive-only')}` }), 403, 'csrf_header_missing');
    });

    it('401 unauthenticated without a Bearer token; 401 invalid_id_token for a token Google did not sign, or for another app', async () => {
      expectError(await call(fn.url, { 'x-requested-with': 'x' }), 401, 'unauthenticated');
      expectError(await call(fn.url, { 'x-requested-with': 'x', authorization: 'Bearer not.a.jwt' }), 401, 'invalid_id_token');
      const forged = await kit.idToken('drive-only', {}, 'foreign');
      expectError(await call(fn.url, { 'x-requested-with': 'x', authorization: `Bearer ${forged}` }), 401, 'invalid_id_token');
      const otherApp = await kit.idToken('drive-only', { aud: 'other.apps.googleusercontent.com' });
      expectError(await call(fn.url, { 'x-requested-with': 'x', authorization: `Bearer ${otherApp}` }), 401, 'invalid_id_token');
    });
  });
});
