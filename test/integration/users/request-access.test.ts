import { Timestamp } from '@google-cloud/firestore';
import { loadGoogleOAuthConfig } from '../../../functions/src/config';
import { GrantRevokedError } from '../../../functions/src/google/refresh-access-token';
import { createOAuthClient } from '../../../functions/src/google/oauth-client';
import { refreshTokenIds } from '../../../functions/src/users/refresh-token-ids';
import { requestAccess, type RequestAccessDeps } from '../../../functions/src/users/request-access';
import { type OfflineHarness, startOfflineHarness } from '../../support/offline-harness';

/** An HTTP function's access token for a user (no lease): the cache, a refresh, a rotated refresh token. */
describe('requestAccess', () => {
  let h: OfflineHarness;
  let deps: RequestAccessDeps;

  beforeAll(async () => {
    h = await startOfflineHarness('request-access');
    deps = {
      db: h.db,
      collection: 'users',
      vault: h.vault,
      oauth: createOAuthClient(loadGoogleOAuthConfig(h.env)),
      retry: { maxAttempts: 2, baseDelayMs: 1, maxDelayMs: 10 },
      now: () => new Date(),
    };
  });
  afterAll(() => h.close());

  const doc = (sub: string) => h.db.collection('users').doc(sub);

  it('uses the cached access token while it has more than 5 minutes left, without asking Google', async () => {
    await h.connect('cal');
    const record = await h.user('cal');
    const cached = await h.vault.open('cal', 'accessToken', record.accessToken!);
    const before = h.sandbox.admin.stats().refreshes;
    expect(await requestAccess('cal', record, deps).current()).toBe(cached);
    expect(h.sandbox.admin.stats().refreshes).toBe(before);
  });

  it('refreshes one with 5 minutes or less left, and writes nothing back', async () => {
    await h.connect('dot');
    await doc('dot').update({ accessTokenExpiresAt: Timestamp.fromMillis(Date.now() + 4 * 60_000) });
    const record = await h.user('dot');
    const stale = await h.vault.open('dot', 'accessToken', record.accessToken!);
    const written = (await doc('dot').get()).updateTime!;
    const before = h.sandbox.admin.stats().refreshes;
    const token = await requestAccess('dot', record, deps).current();
    expect(token).not.toBe(stale);
    expect(h.sandbox.admin.stats().refreshes - before).toBe(1);
    expect((await doc('dot').get()).updateTime!.isEqual(written)).toBe(true);
  });

  it('stores a refresh token Google rotated, sealed, with its identifiers, and refreshes with it next time', async () => {
    await h.connect('eda');
    const record = await h.user('eda');
    h.sandbox.admin.rotateRefreshTokenOnNextRefresh('eda');
    const access = requestAccess('eda', record, deps);
    await access.refresh();
    const stored = await h.user('eda');
    expect(stored.refreshToken?.ciphertext).not.toBe(record.refreshToken?.ciphertext);
    const rotated = await h.vault.open('eda', 'refreshToken', stored.refreshToken!);
    expect(stored.refreshTokenIds).toEqual(refreshTokenIds(rotated));
    // The old refresh token is no longer valid at the sandbox after a rotation: a second refresh must use the new one.
    await expect(access.refresh()).resolves.toEqual(expect.any(String));
  });

  it('leaves a refresh token another writer stored meanwhile (a sign-in) in place', async () => {
    await h.connect('fay');
    const record = await h.user('fay');
    await h.connect('fay'); // a new sign-in with forced consent: another refresh token
    const signedIn = await h.user('fay');
    expect(signedIn.refreshToken?.ciphertext).not.toBe(record.refreshToken?.ciphertext);
    h.sandbox.admin.rotateRefreshTokenOnNextRefresh('fay');
    await requestAccess('fay', record, deps).refresh();
    expect((await h.user('fay')).refreshToken?.ciphertext).toBe(signedIn.refreshToken?.ciphertext);
  });

  it('throws GrantRevokedError for a revoked grant, and for a document without a refresh token', async () => {
    await h.connect('gus');
    const record = await h.user('gus');
    h.sandbox.admin.revokeGrant('gus');
    await expect(requestAccess('gus', record, deps).refresh()).rejects.toBeInstanceOf(GrantRevokedError);
    const { refreshToken: _gone, ...withoutRefresh } = record;
    await expect(requestAccess('gus', { ...withoutRefresh, accessTokenExpiresAt: Timestamp.fromMillis(0) }, deps).current()).rejects.toBeInstanceOf(GrantRevokedError);
  });
});
