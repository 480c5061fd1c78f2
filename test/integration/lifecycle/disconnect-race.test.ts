import { Timestamp } from '@google-cloud/firestore';
import type { OfflineJob } from '../../../functions/src/jobs/offline-job';
import { USER_EVENTS_OFF } from '../../../functions/src/events/user-events';
import { disconnectUser, type DisconnectDeps } from '../../../functions/src/lifecycle/disconnect/disconnect-user';
import { revokeAtGoogle } from '../../../functions/src/lifecycle/disconnect/revoke-at-google';
import { interactiveRetryPolicy } from '../../../functions/src/google/google-sign-in';
import { createOAuthClient } from '../../../functions/src/google/oauth-client';
import { loadIdentityConfig } from '../../../functions/src/config/google-identity-config';
import { createLogger } from '../../../functions/src/logging/logger';
import { LeaseStore } from '../../../functions/src/offline/work/lease-store';
import { runBatch } from '../../../functions/src/offline/work/run-batch';
import { type OfflineHarness, startOfflineHarness } from '../../support/offline-harness';
import { requestPhotosFor } from '../../support/request-photos';
import { loadPhotosConfig } from '../../../functions/src/google-photos/photos-config';
import { photoItems, photoSessions } from '../../../functions/src/google-photos/session-store';
import { registeredJobs } from '../../../functions/src/jobs/registered-jobs';
import { openPickerSession, PHOTOS_USER_SCOPES, pickTwoPhotosAndAVideo } from '../../support/photos';
import { startPhotosProxy } from '../../support/photos-proxy';

/** A user who disconnects while a worker is running them: the worker must not write anything back. */
describe('disconnect racing a worker', () => {
  let h: OfflineHarness;
  let deps: DisconnectDeps;

  beforeAll(async () => {
    h = await startOfflineHarness('disconnect-race');
    const identity = loadIdentityConfig(h.env);
    const google = createOAuthClient(identity);
    deps = {
      db: h.db,
      collection: 'users',
      vault: h.vault,
      revoke: revokeAtGoogle(google, interactiveRetryPolicy(identity)),
      photos: requestPhotosFor(h),
      events: USER_EVENTS_OFF,
      now: () => new Date(),
      logger: createLogger({}, () => {}),
    };
  });
  afterAll(() => h.close());

  const users = () => h.db.collection('users');

  it('a run that refreshed the access token and finishes after the disconnect writes nothing back', async () => {
    await h.connect('rita');
    // A stale cached access token makes the run refresh, so its final write carries a new sealed token.
    await users().doc('rita').update({ accessTokenExpiresAt: Timestamp.fromMillis(Date.now() - 1000), dispatch: { id: 'd1', at: Timestamp.now() } });
    const leaves: OfflineJob = {
      name: 'user-leaves-mid-run',
      requiredScopes: [],
      async run() {
        await disconnectUser('rita', deps);
        return { cursor: { page: 'next' }, summary: { processed: 1 }, done: true };
      },
    };
    const before = h.sandbox.admin.stats();
    await runBatch({ v: 1, users: [{ userId: 'rita', dispatchId: 'd1' }] }, Date.now() + 60_000, { ...h.workerDeps({ jobs: [leaves] }), owner: 'worker-a' });
    expect(h.sandbox.admin.stats().refreshes - before.refreshes).toBe(1);
    const doc = await h.user('rita');
    expect(doc).toMatchObject({ status: 'disconnected' });
    for (const field of ['accessToken', 'refreshToken', 'refreshTokenIds', 'jobs', 'lease', 'dispatch', 'lastRunAt', 'lastSummary', 'nextRunAt']) {
      expect({ field, value: (doc as unknown as Record<string, unknown>)[field] }).toEqual({ field, value: undefined });
    }
    expect(h.sandbox.admin.grants('rita')).toEqual([]);
  });

  it('LeaseStore refuses every write of a lease taken before the disconnect', async () => {
    await h.connect('sam');
    await users().doc('sam').update({ dispatch: { id: 'd2', at: Timestamp.now() } });
    const leases = new LeaseStore(h.db, 'users', USER_EVENTS_OFF);
    const taken = await leases.take({ userId: 'sam', dispatchId: 'd2', owner: 'worker-b', now: new Date(), leaseSeconds: 600 });
    if (taken.kind !== 'leased') throw new Error(`expected a lease, got ${taken.reason}`);
    await disconnectUser('sam', deps);
    const sealed = await h.vault.seal('sam', 'refreshToken', 'rotated-refresh-token');
    expect(await leases.write(taken.lease, { refreshToken: sealed })).toBe(false);
    expect(await leases.finish(taken.lease, { lastError: 'job_failed' })).toBe(false);
    const doc = await h.user('sam');
    expect(doc.status).toBe('disconnected');
    expect(doc.refreshToken).toBeUndefined();
    expect(doc.lastError).toBeUndefined();
  });

  it('a sign-in racing the disconnect: the grant it stored is revoked too, not left live', async () => {
    await h.connect('tia');
    const first = await h.user('tia');
    // Between the disconnect's read and its write, the user signs in again with forced consent.
    const racing: DisconnectDeps = {
      ...deps,
      revoke: async (token) => {
        const outcome = await deps.revoke(token);
        if ((await h.user('tia')).refreshToken?.ciphertext === first.refreshToken?.ciphertext) await h.connect('tia');
        return outcome;
      },
    };
    await disconnectUser('tia', racing);
    expect((await h.user('tia')).status).toBe('disconnected');
    expect(h.sandbox.admin.grants('tia')).toEqual([]);
  });

  it("a sign-in racing a disconnect whose first revoke failed: the new grant is still revoked, the failure still recorded", async () => {
    await h.connect('tom');
    const first = await h.user('tom');
    const revoked: string[] = [];
    // Google's revoke fails for the first grant (after its retries); meanwhile the user signs in again.
    const racing: DisconnectDeps = {
      ...deps,
      revoke: async (token) => {
        if ((await h.user('tom')).refreshToken?.ciphertext === first.refreshToken?.ciphertext) {
          await h.connect('tom');
          return { kind: 'failed', code: 'upstream_unavailable' };
        }
        revoked.push(token);
        return deps.revoke(token);
      },
    };
    const grantsBefore = h.sandbox.admin.grants('tom').length;

    const result = await disconnectUser('tom', racing);

    expect(result.revokeError).toBe('upstream_unavailable');
    expect(revoked).toHaveLength(1);
    // The new sign-in's token was revoked, and with it the grant (one per user and client, as at
    // Google): nothing is left live, though the first revoke's failure stays on record.
    expect(grantsBefore).toBe(1);
    expect(h.sandbox.admin.grants('tom')).toEqual([]);
    expect(await h.user('tom')).toMatchObject({ status: 'disconnected', revokeError: 'upstream_unavailable' });
  });

  it('a Photos run held mid-session by the disconnect writes none of the session back: no item record, no copy, no error', async () => {
    await h.connect('ursa', 0, PHOTOS_USER_SCOPES);
    const sessionId = await openPickerSession(h.sandbox, h.db, 'ursa');
    await pickTwoPhotosAndAVideo(h.sandbox, sessionId);
    // The run's first upload waits at a proxy until the disconnect is through (configuration only).
    const proxy = await startPhotosProxy(h.sandbox.endpoints.photosLibraryRootUrl, 'gate', (request) => request.url!.endsWith('/v1/uploads'));
    const logs: string[] = [];
    try {
      const photos = { ...loadPhotosConfig(h.env), libraryRootUrl: proxy.url };
      const jobs = registeredJobs({ db: h.db, usersCollection: 'users', events: USER_EVENTS_OFF, photos });
      await users().doc('ursa').update({ dispatch: { id: 'p1', at: Timestamp.now() } });
      const run = runBatch({ v: 1, users: [{ userId: 'ursa', dispatchId: 'p1' }] }, Date.now() + 60_000, {
        ...h.workerDeps({ jobs, logger: createLogger({}, (line) => logs.push(line)) }),
        owner: 'worker-photos',
      });
      await proxy.intercepted;
      expect((await photoItems(photoSessions(h.db, 'users', 'ursa').doc(sessionId)).get()).size).toBe(3);
      await disconnectUser('ursa', deps);
      proxy.release();
      await run;
    } finally {
      await proxy.close();
    }
    expect((await photoSessions(h.db, 'users', 'ursa').get()).size).toBe(0);
    expect((await photoItems(photoSessions(h.db, 'users', 'ursa').doc(sessionId)).get()).size).toBe(0);
    expect(h.sandbox.admin.photosAlbums('ursa').flatMap((album) => album.mediaItems)).toEqual([]);
    expect((await h.user('ursa')).status).toBe('disconnected');
    expect(logs.filter((line) => line.includes('"ERROR"'))).toEqual([]);
  });
});
