import { readFileSync } from 'node:fs';
import type { OfflineJob } from '../../../functions/src/jobs/offline-job';
import { decodeBase64Key } from '../../../functions/src/tokens/key-material';
import { createTokenVault, type SealedToken } from '../../../functions/src/tokens';
import { type OfflineHarness, runWithExpiredToken, startOfflineHarness } from '../../support/offline-harness';
import { StaticKeySource } from '../../unit/tokens/helpers/static-key-source';

/**
 * A key rotation during a worker run: the access token the run refreshed at its start is sealed
 * when the run's final write is made, under the key current then, so a rewrap that said "done"
 * meanwhile is never followed by a token under the old version (rewrap-tokens.ts' settle margin).
 */
describe('the worker seals a refreshed access token at its final write', () => {
  let h: OfflineHarness;
  beforeAll(async () => {
    h = await startOfflineHarness('worker-seal-at-finish');
  });
  afterAll(() => h.close());

  it('under the version current at the write, not the one current at the refresh', async () => {
    await h.connect('rotating');
    // The harness's key is version 1; version 2 becomes current while the job runs.
    const keys = new StaticKeySource(['1', '2']);
    keys.keys.set('1', decodeBase64Key(readFileSync(h.env.TOKEN_KEY_FILE!, 'utf8').trim())!);
    keys.currentVersion = '1';
    const rotates: OfflineJob = {
      name: 'rotation-mid-run',
      requiredScopes: [],
      async run() {
        keys.currentVersion = '2';
        return { cursor: {}, summary: {}, done: true };
      },
    };
    const refreshesBefore = h.sandbox.admin.stats().refreshes;

    // The run refreshes before its job, under version 1.
    const result = await runWithExpiredToken(h, 'rotating', { vault: createTokenVault(keys), jobs: [rotates] });

    expect(result.outcomes).toEqual([expect.objectContaining({ status: 'done' })]);
    expect(h.sandbox.admin.stats().refreshes - refreshesBefore).toBe(1);
    const stored = await h.user('rotating');
    expect((stored.accessToken as SealedToken).keyVersion).toBe('2');
    expect((stored.refreshToken as SealedToken).keyVersion).toBe('1');
    expect(stored.accessTokenExpiresAt!.toMillis()).toBeGreaterThan(Date.now());
  });
});
