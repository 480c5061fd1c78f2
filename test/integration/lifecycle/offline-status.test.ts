import { Timestamp } from '@google-cloud/firestore';
import type { FunctionUnderTest } from '../../support/function-process';
import { type LifecycleKit, startLifecycleKit } from './lifecycle-kit';

const DRIVE = 'https://www.googleapis.com/auth/drive.appdata';
const EXTRA = 'https://www.googleapis.com/auth/drive.file';

/** The `offlineStatus` contract (docs/api.md), over HTTP against the real function. */
describe('offlineStatus contract', () => {
  let kit: LifecycleKit;
  let fn: FunctionUnderTest;

  beforeAll(async () => {
    kit = await startLifecycleKit('status');
    fn = await kit.start('offlineStatus');
  });
  afterAll(() => kit?.close());

  async function status(sub: string | undefined, method = 'GET', url = fn.url) {
    const headers: Record<string, string> = sub === undefined ? {} : { authorization: `Bearer ${await kit.idToken(sub)}` };
    const response = await fetch(url, { method, headers });
    const text = await response.text();
    return { status: response.status, headers: response.headers, json: text ? (JSON.parse(text) as Record<string, unknown>) : undefined };
  }

  it('an active user: status, granted scopes, nothing missing, no run yet', async () => {
    await kit.connect('amy');
    const result = await status('amy');
    expect(result.status).toBe(200);
    expect(result.headers.get('cache-control')).toBe('no-store');
    expect(result.json).toEqual({
      status: 'active',
      scopes: expect.arrayContaining(['openid', DRIVE]),
      missingScopes: [],
      lastRunAt: null,
      lastError: null,
      waitingForUser: null,
      photos: { openSessions: [], lastSession: null },
    });
    expect(JSON.stringify(result.json)).not.toMatch(/ciphertext|refreshToken|sha512/);
  });

  it('reports the last run and its error as the worker recorded them', async () => {
    await kit.connect('bob');
    const ranAt = new Date('2026-03-01T10:00:00.000Z');
    await kit.db.collection('users').doc('bob').update({ lastRunAt: Timestamp.fromDate(ranAt), lastError: 'upstream_rate_limited' });
    expect((await status('bob')).json).toMatchObject({ status: 'active', lastRunAt: ranAt.toISOString(), lastError: 'upstream_rate_limited' });
  });

  it('reports what the offline work waits for the user to do, whatever the last run recorded as its error', async () => {
    await kit.connect('wes');
    await kit.db.collection('users').doc('wes').update({ waitingForUser: 'drive_storage_full', lastError: 'upstream_unavailable' });
    expect((await status('wes')).json).toMatchObject({ status: 'active', lastError: 'upstream_unavailable', waitingForUser: 'drive_storage_full' });
  });

  it("reports the open photo sessions (oldest first) and the last finished one's outcome", async () => {
    await kit.connect('pat');
    const user = kit.db.collection('users').doc('pat');
    const session = (sessionId: string, state: string, createdAt: number, expireTime: string) => ({
      sessionId,
      state,
      createdAt: Timestamp.fromMillis(createdAt),
      updatedAt: Timestamp.fromMillis(createdAt),
      expireTime: Timestamp.fromDate(new Date(expireTime)),
      pollIntervalSeconds: 5,
    });
    const now = Date.now();
    await Promise.all([
      user.collection('photoSessions').doc('s-new').set(session('s-new', 'open', now, '2026-12-02T10:00:00.000Z')),
      user.collection('photoSessions').doc('s-old').set(session('s-old', 'picked', now - 60_000, '2026-12-02T09:00:00.000Z')),
      user.collection('photoSessions').doc('s-done').set(session('s-done', 'done', now - 120_000, '2026-12-02T08:00:00.000Z')),
      user.update({
        lastPhotoSession: {
          sessionId: 's-done',
          outcome: 'done',
          counts: { picked: 3, added: 2, skipped: 1, failed: 0 },
          finishedAt: Timestamp.fromDate(new Date('2026-12-02T07:30:00.000Z')),
        },
      }),
    ]);
    expect((await status('pat')).json?.photos).toEqual({
      openSessions: [
        { sessionId: 's-old', expireTime: '2026-12-02T09:00:00.000Z', state: 'picked' },
        { sessionId: 's-new', expireTime: '2026-12-02T10:00:00.000Z', state: 'open' },
      ],
      lastSession: { sessionId: 's-done', outcome: 'done', picked: 3, added: 2, skipped: 1, failed: 0, finishedAt: '2026-12-02T07:30:00.000Z' },
    });
  });

  it('reauth_required tells the app to ask the user to sign in again', async () => {
    await kit.connect('cy');
    await kit.db.collection('users').doc('cy').update({ status: 'reauth_required', lastError: 'grant_revoked' });
    expect((await status('cy')).json).toMatchObject({ status: 'reauth_required', lastError: 'grant_revoked' });
  });

  it('a disconnected user has no scopes left; a stranger is not_connected', async () => {
    await kit.connect('dee');
    const disconnect = await kit.start('disconnect');
    await fetch(disconnect.url, { method: 'POST', headers: { 'x-requested-with': 'x', authorization: `Bearer ${await kit.idToken('dee')}` } });
    const gone = (await status('dee')).json;
    expect(gone).toMatchObject({ status: 'disconnected', scopes: [], lastRunAt: null, lastError: null, photos: { openSessions: [], lastSession: null } });
    expect(gone?.missingScopes).toContain(DRIVE);
    const stranger = await status('nobody');
    expect(stranger.status).toBe(200);
    expect(stranger.json).toMatchObject({ status: 'not_connected', scopes: [], missingScopes: expect.arrayContaining(['openid', DRIVE]) });
  });

  it('names the REQUIRED_SCOPES a grant lacks, so the app can ask for more', async () => {
    await kit.connect('eli');
    const stricter = await kit.start('offlineStatus', { REQUIRED_SCOPES: `openid email profile ${DRIVE} ${EXTRA}` });
    expect((await status('eli', 'GET', stricter.url)).json).toMatchObject({ status: 'active', missingScopes: [EXTRA] });
  });

  it('405 with Allow: GET for other methods; 401 without or with a bad token', async () => {
    const post = await status('amy', 'POST');
    expect(post.status).toBe(405);
    expect(post.headers.get('allow')).toBe('GET');
    expect((await status(undefined)).json).toMatchObject({ error: { code: 'unauthenticated' } });
    const forged = await fetch(fn.url, { headers: { authorization: `Bearer ${await kit.idToken('amy', {}, 'foreign')}` } });
    expect(forged.status).toBe(401);
    expect(((await forged.json()) as { error: { code: string } }).error.code).toBe('invalid_id_token');
  });
});
