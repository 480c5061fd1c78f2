import { Timestamp } from '@google-cloud/firestore';
import { runBatch } from '../../../functions/src/offline/work/run-batch';
import type { SealedToken } from '../../../functions/src/tokens/vault';
import { refreshTokenIdFromEvent, refreshTokenIds } from '../../../functions/src/users/refresh-token-ids';
import { tokenIdentifier } from '../../../sandbox/src/risc';
import { type OfflineHarness, startOfflineHarness } from '../../support/offline-harness';

/** `token-revoked` names the refresh token Google holds now: the stored identifiers follow every rotation. */
describe('refresh token identifiers across a rotation', () => {
  let h: OfflineHarness;
  beforeAll(async () => {
    h = await startOfflineHarness('risc-rotation');
  });
  afterAll(() => h.close());

  it('are stored at the exchange and replaced when the worker stores a rotated token', async () => {
    await h.connect('rory');
    const atExchange = await h.user('rory');
    const first = await h.vault.open('rory', 'refreshToken', atExchange.refreshToken as SealedToken);
    expect(atExchange.refreshTokenIds).toEqual(refreshTokenIds(first));

    h.sandbox.admin.rotateRefreshTokenOnNextRefresh('rory');
    await h.db.collection('users').doc('rory').update({ accessTokenExpiresAt: Timestamp.fromMillis(0), dispatch: { id: 'r1', at: Timestamp.now() } });
    await runBatch({ v: 1, users: [{ userId: 'rory', dispatchId: 'r1' }] }, Date.now() + 60_000, { ...h.workerDeps({ jobs: [] }), owner: 'w' });

    const rotated = await h.user('rory');
    const second = await h.vault.open('rory', 'refreshToken', rotated.refreshToken as SealedToken);
    expect(second).not.toBe(first);
    const googleNames = refreshTokenIdFromEvent('hash_base64_sha512_sha512', tokenIdentifier(second, 'hash_base64_sha512_sha512'));
    expect(rotated.refreshTokenIds).toEqual(refreshTokenIds(second));
    expect(rotated.refreshTokenIds).toContain(googleNames);
    expect(rotated.refreshTokenIds).not.toContain(refreshTokenIds(first)[1]);
  });
});
