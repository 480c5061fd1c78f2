import type { PubSub, Subscription } from '@google-cloud/pubsub';
import { dispatchTick } from '../../../functions/src/offline/dispatch/dispatch-tick';
import type { WorkMessage } from '../../../functions/src/offline/work-message';
import type { OfflineJob } from '../../../functions/src/jobs/offline-job';
import { runBatch } from '../../../functions/src/offline/work/run-batch';
import { createOAuthClient } from '../../../functions/src/google/oauth-client';
import { loadGoogleOAuthConfig } from '../../../functions/src/config';
import { sandboxEnv } from '../../support/function-process';
import type { SealedToken } from '../../../functions/src/tokens/vault';
import { type OfflineHarness, startOfflineHarness } from '../../support/offline-harness';
import { dispatchDepsFor } from '../../support/dispatch';
import { createTopicWithPullSubscription, drainWorkMessages, emulatorPubSub } from '../../support/pubsub';
import { TEST_CLIENT } from '../../support/sandbox';

/** The worker, user by user, against the sandbox Google (OAuth + Drive), Firestore and Pub/Sub emulators. */
describe('runOfflineWork', () => {
  let h: OfflineHarness;
  let pubsub: PubSub;
  let subscription: Subscription;
  let topicId: string;

  beforeAll(async () => {
    h = await startOfflineHarness('worker');
    pubsub = emulatorPubSub('offline-access-test');
  });
  afterAll(async () => {
    await h.close();
    await pubsub.close();
  });

  beforeEach(async () => {
    const created = await createTopicWithPullSubscription(pubsub);
    subscription = created.subscription;
    topicId = created.topic.name.split('/').pop()!;
  });

  /** What the dispatcher publishes right now, read back from the emulator. */
  async function dispatch(): Promise<WorkMessage> {
    await dispatchTick(dispatchDepsFor(h.db, pubsub, { topic: topicId }));
    const messages = await drainWorkMessages(subscription, 300);
    return { v: 1, users: messages.flatMap((m) => m.users) };
  }

  const run = (message: WorkMessage, owner = 'worker-a') => runBatch(message, Date.now() + 60_000, { ...h.workerDeps(), owner });
  const results = (sub: string) => h.sandbox.drive.listFiles(sub).filter((f) => f.appProperties?.derivedFrom);

  /** Offline access has stopped for good: no token or lease left, no result made, never handed out again. */
  async function expectReauthRequired(sub: string): Promise<void> {
    const user = await h.user(sub);
    expect(user).toMatchObject({ status: 'reauth_required', lastError: 'reauth_required' });
    expect(user.refreshToken).toBeUndefined();
    expect(user.refreshTokenIds).toBeUndefined();
    expect(user.accessToken).toBeUndefined();
    expect(user.lease).toBeUndefined();
    expect(results(sub)).toHaveLength(0);
    expect((await dispatch()).users.map((u) => u.userId)).not.toContain(sub);
  }

  it('enhances every new photo once, saves the cursor and schedules the next run', async () => {
    await h.connect('alice', 2);
    await h.connect('bob', 1);
    const outcome = await run(await dispatch());
    expect(outcome.counts).toMatchObject({ done: 2, failed: 0 });
    expect(results('alice')).toHaveLength(2);
    expect(results('bob')).toHaveLength(1);
    const alice = await h.user('alice');
    expect(alice.lastRunAt).toBeDefined();
    expect(alice.lease).toBeUndefined();
    expect(alice.dispatch).toBeUndefined();
    expect(alice.lastError).toBeUndefined();
    expect(alice.jobs?.['photo-enhancement']?.cursor).toBeDefined();
    expect(alice.nextRunAt.toMillis()).toBeGreaterThan(Date.now() + 3000_000);
    for (const source of h.sandbox.drive.listFiles('alice').filter((f) => !f.appProperties?.derivedFrom)) {
      expect(source.appProperties?.enhancedId).toBeDefined();
    }
  });

  it('a redelivered or duplicated message does no work twice', async () => {
    await h.connect('carol', 2);
    const message = await dispatch();
    const first = await run(message);
    const again = await run(message);
    expect(first.counts.done).toBe(1);
    expect(again.counts).toMatchObject({ done: 0, skipped: 1 });
    expect(again.outcomes[0]).toMatchObject({ status: 'skipped', reason: 'stale_dispatch' });
    expect(results('carol')).toHaveLength(2);
  });

  it('two workers racing for the same users: each user runs once', async () => {
    for (const sub of ['dan', 'erin', 'fay']) await h.connect(sub, 1);
    const message = await dispatch();
    const [a, b] = await Promise.all([run(message, 'worker-a'), run(message, 'worker-b')]);
    expect(a.counts.done + b.counts.done).toBe(3);
    expect(a.counts.skipped + b.counts.skipped).toBe(3);
    for (const sub of ['dan', 'erin', 'fay']) expect(results(sub)).toHaveLength(1);
  });

  it('only new photos are processed on the next run (changes API)', async () => {
    await h.connect('gus', 1);
    await run(await dispatch());
    await h.db.collection('users').doc('gus').update({ nextRunAt: new Date(0) });
    h.sandbox.drive.putFile('gus', { name: 'later.jpg', mimeType: 'image/jpeg', content: h.sandbox.drive.listFiles('gus', { includeContent: true })[0]!.content! });
    const before = h.sandbox.drive.stats('gus').uploads;
    const outcome = await run(await dispatch());
    expect(outcome.outcomes[0]).toMatchObject({ status: 'done' });
    expect(h.sandbox.drive.stats('gus').uploads - before).toBe(1);
    expect(results('gus')).toHaveLength(2);
  });

  it('invalid_grant: the user becomes reauth_required, tokens are deleted, no retry', async () => {
    await h.connect('hal', 1);
    expect((await h.user('hal')).refreshTokenIds).toBeDefined();
    await h.db.collection('users').doc('hal').update({ accessTokenExpiresAt: new Date(0) });
    h.sandbox.admin.revokeGrant('hal');
    const before = h.sandbox.admin.stats().tokenRequestsByGrantType.refresh_token ?? 0;
    const outcome = await run(await dispatch());
    expect(outcome.outcomes[0]).toMatchObject({ status: 'reauth_required' });
    expect((h.sandbox.admin.stats().tokenRequestsByGrantType.refresh_token ?? 0) - before).toBe(1);
    await expectReauthRequired('hal');
  });

  it('a grant revoked while the cached access token is still fresh: reauth_required in the same run, no work', async () => {
    await h.connect('hank', 2);
    // Google revokes the refresh token and every access token of the grant at once; the stored
    // access token still has most of its hour left, so the worker reuses it and meets Drive's 401.
    h.sandbox.admin.revokeGrant('hank');
    const refreshesBefore = h.sandbox.admin.stats().tokenRequestsByGrantType.refresh_token ?? 0;
    const outcome = await run(await dispatch());
    expect(outcome.outcomes[0]).toMatchObject({ status: 'reauth_required' });
    expect((h.sandbox.admin.stats().tokenRequestsByGrantType.refresh_token ?? 0) - refreshesBefore).toBe(1);
    expect(h.sandbox.drive.stats('hank').uploads).toBe(0);
    await expectReauthRequired('hank');
  });

  it.each([
    ['swallows every error and reports success', 'return'],
    ['wraps every error in a failure of its own', 'throw'],
  ])('a job that %s cannot hide a revoked grant', async (_label, style) => {
    const sub = `swallow-${style}`;
    await h.connect(sub, 1);
    h.sandbox.admin.revokeGrant(sub);
    const calls: string[] = [];
    const job: OfflineJob = {
      name: 'careless',
      requiredScopes: [],
      async run({ drive }) {
        const attempts: [string, () => Promise<unknown>][] = [
          ['changes', () => drive.changes.getStartPageToken({})],
          ['list', () => drive.files.list({ spaces: 'appDataFolder' })],
          ['download', () => drive.files.get({ fileId: 'x', alt: 'media' }, { responseType: 'arraybuffer' })],
          ['update', () => drive.files.update({ fileId: 'x', requestBody: { appProperties: { a: 'b' } } })],
        ];
        for (const [name, call] of attempts) {
          try {
            await call();
            calls.push(`${name}: ok`);
          } catch (error) {
            calls.push(`${name}: ${error instanceof Error ? error.name : 'error'}`);
            if (style === 'throw') throw new Error('the careless job failed', { cause: error });
          }
        }
        return { cursor: {}, summary: { done: 1 }, done: true };
      },
    };
    const outcome = await runBatch({ v: 1, users: [(await dispatch()).users.find((u) => u.userId === sub)!] }, Date.now() + 60_000, {
      ...h.workerDeps({ jobs: [job] }),
      owner: 'worker-a',
    });
    expect(outcome.outcomes[0]).toMatchObject({ status: 'reauth_required' });
    expect(calls.every((line) => !line.endsWith(': ok'))).toBe(true);
    expect((await h.user(sub)).jobs?.careless).toBeUndefined();
    await expectReauthRequired(sub);
  });

  it('stores a rotated refresh token and keeps working with it', async () => {
    await h.connect('ida', 1);
    await h.db.collection('users').doc('ida').update({ accessTokenExpiresAt: new Date(0) });
    const before = (await h.user('ida')).refreshToken as SealedToken;
    const oldToken = await h.vault.open('ida', 'refreshToken', before);
    h.sandbox.admin.rotateRefreshTokenOnNextRefresh('ida');
    expect((await run(await dispatch())).outcomes[0]).toMatchObject({ status: 'done' });
    const after = await h.user('ida');
    const newToken = await h.vault.open('ida', 'refreshToken', after.refreshToken as SealedToken);
    expect(newToken).not.toBe(oldToken);
    const refresh = (token: string) =>
      fetch(h.sandbox.endpoints.tokenUrl, { method: 'POST', body: new URLSearchParams({ grant_type: 'refresh_token', refresh_token: token, client_id: TEST_CLIENT.clientId, client_secret: TEST_CLIENT.clientSecret }) });
    expect((await refresh(newToken)).status).toBe(200);
    expect((await refresh(oldToken)).status).toBe(400);
  });

  it('reuses a cached access token with time left, and refreshes once when Google rejects it early (401)', async () => {
    await h.connect('jo', 1);
    const refreshesBefore = h.sandbox.admin.stats().refreshes;
    await run(await dispatch());
    expect(h.sandbox.admin.stats().refreshes - refreshesBefore).toBe(0);

    await h.db.collection('users').doc('jo').update({ nextRunAt: new Date(0) });
    h.sandbox.drive.putFile('jo', { name: 'new.jpg', mimeType: 'image/jpeg', content: h.sandbox.drive.listFiles('jo', { includeContent: true })[0]!.content! });
    h.sandbox.admin.expireAccessTokens('jo');
    const outcome = await run(await dispatch());
    expect(outcome.outcomes[0]).toMatchObject({ status: 'done' });
    expect(h.sandbox.admin.stats().refreshes - refreshesBefore).toBe(1);
    expect(results('jo')).toHaveLength(2);
    const jo = await h.user('jo');
    expect(jo.accessTokenExpiresAt!.toMillis()).toBeGreaterThan(Date.now() + 50 * 60_000);
  });

  it('429 with Retry-After: the user is rescheduled after it, with the error recorded, never lost', async () => {
    await h.connect('kim', 1);
    h.sandbox.drive.setUserFaults('kim', { failNext: { count: 20, status: 429, retryAfterSeconds: 600 } });
    const outcome = await run(await dispatch());
    h.sandbox.drive.clearUserFaults('kim');
    expect(outcome.outcomes[0]).toMatchObject({ status: 'failed', errorCode: 'upstream_rate_limited' });
    const kim = await h.user('kim');
    expect(kim).toMatchObject({ status: 'active', lastError: 'upstream_rate_limited', attempts: 1 });
    expect(kim.nextRunAt.toMillis()).toBeGreaterThanOrEqual(Date.now() + 590_000);
    expect(kim.lease).toBeUndefined();
    expect(kim.refreshToken).toBeDefined();

    await h.db.collection('users').doc('kim').update({ nextRunAt: new Date(0) });
    expect((await run(await dispatch())).outcomes[0]).toMatchObject({ status: 'done' });
    const recovered = await h.user('kim');
    expect(recovered.lastError).toBeUndefined();
    expect(recovered.attempts).toBeUndefined();
    expect(results('kim')).toHaveLength(1);
  });

  it('the refresh a Drive 401 asked for meets 503s: recorded as upstream_unavailable after its Retry-After, the listing cursor kept', async () => {
    await h.connect('max', 1);
    await run(await dispatch());
    const cursor = (await h.user('max')).jobs?.['photo-enhancement']?.cursor;
    expect(cursor).toBeDefined();
    await h.db.collection('users').doc('max').update({ nextRunAt: new Date(0) });
    h.sandbox.admin.expireAccessTokens('max');
    h.sandbox.admin.setFaults({ tokenEndpoint: { failNext: { count: 20, status: 503, retryAfterSeconds: 900 } } });
    const outcome = await run(await dispatch());
    h.sandbox.admin.setFaults({});
    expect(outcome.outcomes[0]).toMatchObject({ status: 'failed', errorCode: 'upstream_unavailable' });
    const max = await h.user('max');
    expect(max).toMatchObject({ status: 'active', lastError: 'upstream_unavailable', attempts: 1 });
    expect(max.nextRunAt.toMillis()).toBeGreaterThanOrEqual(Date.now() + 890_000);
    expect(max.jobs?.['photo-enhancement']?.cursor).toEqual(cursor);
    expect(max.refreshToken).toBeDefined();
  });

  it('Google refuses our OAuth client on refresh (invalid_client): oauth_client_misconfigured at ERROR, tokens kept, back at the regular interval', async () => {
    await h.connect('ned', 1);
    await h.db.collection('users').doc('ned').update({ accessTokenExpiresAt: new Date(Date.now() - 1000) });
    const wrongSecret = createOAuthClient(loadGoogleOAuthConfig({ ...sandboxEnv(h.sandbox, 'unused', 'unused'), GOOGLE_OAUTH_CLIENT_SECRET: 'not-the-secret' }));
    const message = await dispatch();
    const outcome = await runBatch(message, Date.now() + 60_000, { ...h.workerDeps({ oauth: wrongSecret }), owner: 'worker-a' });
    expect(outcome.outcomes.find((o) => o.userId === 'ned')).toMatchObject({ status: 'failed', errorCode: 'oauth_client_misconfigured' });
    const ned = await h.user('ned');
    expect(ned).toMatchObject({ status: 'active', lastError: 'oauth_client_misconfigured' });
    expect(ned.refreshToken).toBeDefined();
    expect(ned.nextRunAt.toMillis()).toBeGreaterThan(Date.now() + 30 * 60_000);
    expect(h.logs.some((line) => line.includes('"severity":"ERROR"') && line.includes('oauth_client_misconfigured'))).toBe(true);
  });

  it("the user's Google storage is full: drive_storage_full at INFO, back at the regular interval, nothing downloaded while it stays full, enhanced once space is freed", async () => {
    await h.connect('ola', 1);
    const usage = h.sandbox.drive.listFiles('ola', { includeContent: true }).reduce((sum, file) => sum + (file.content?.length ?? 0), 0);
    h.sandbox.drive.setUserStorageLimit('ola', usage);
    expect((await run(await dispatch())).outcomes[0]).toMatchObject({ status: 'failed', errorCode: 'drive_storage_full' });
    let ola = await h.user('ola');
    expect(ola).toMatchObject({ status: 'active', lastError: 'drive_storage_full', waitingForUser: 'drive_storage_full' });
    // Not a failure to back off from: a transient one later starts its backoff at a minute.
    expect(ola.attempts).toBeUndefined();
    expect(ola.lastRunAt).toBeDefined();
    expect(ola.jobs?.['photo-enhancement']?.cursor).toMatchObject({ storageFull: true });
    // Only the user can end it: not a 30-60 s backoff, and not a warning for whoever runs the service.
    expect(ola.nextRunAt.toMillis()).toBeGreaterThan(Date.now() + 30 * 60_000);
    const lines = h.logs.filter((line) => line.includes('"drive_storage_full"'));
    expect(lines.length).toBeGreaterThan(0);
    expect(lines.every((line) => line.includes('"severity":"INFO"'))).toBe(true);
    expect(results('ola')).toHaveLength(0);

    // Still full at the next run: one about.get, no download, no upload.
    await h.db.collection('users').doc('ola').update({ nextRunAt: new Date(0) });
    const before = h.sandbox.drive.stats('ola');
    expect((await run(await dispatch())).outcomes[0]).toMatchObject({ status: 'failed', errorCode: 'drive_storage_full' });
    const after = h.sandbox.drive.stats('ola');
    expect([after.downloads - before.downloads, after.uploads - before.uploads]).toEqual([0, 0]);
    expect((after.calls['about.get'] ?? 0) - (before.calls['about.get'] ?? 0)).toBe(1);

    // The user freed space: the photo is enhanced, the error and the cursor's mark are gone.
    h.sandbox.drive.setUserStorageLimit('ola', null);
    await h.db.collection('users').doc('ola').update({ nextRunAt: new Date(0) });
    expect((await run(await dispatch())).outcomes[0]).toMatchObject({ status: 'done' });
    ola = await h.user('ola');
    expect(ola.lastError).toBeUndefined();
    expect(ola.waitingForUser).toBeUndefined();
    expect(ola.jobs?.['photo-enhancement']?.cursor).not.toHaveProperty('storageFull');
    expect(results('ola')).toHaveLength(1);
  });

  it("a full Drive stops the photo job only: the user's other jobs still run, and one that asks to run again sooner is heard", async () => {
    await h.connect('oli', 1);
    const usage = h.sandbox.drive.listFiles('oli', { includeContent: true }).reduce((sum, file) => sum + (file.content?.length ?? 0), 0);
    h.sandbox.drive.setUserStorageLimit('oli', usage);
    const ran: string[] = [];
    const polling: OfflineJob = {
      name: 'polls-soon',
      requiredScopes: [],
      async run({ user }) {
        ran.push(user.id);
        return { cursor: { polled: true }, summary: { polled: 1 }, done: true, runAgainInSeconds: 120 };
      },
    };
    const deps = h.workerDeps();
    const outcome = await runBatch(await dispatch(), Date.now() + 60_000, { ...deps, jobs: [...deps.jobs, polling], owner: 'worker-a' });
    expect(outcome.outcomes[0]).toMatchObject({ status: 'failed', errorCode: 'drive_storage_full' });
    expect(ran).toEqual(['oli']);
    const oli = await h.user('oli');
    expect(oli).toMatchObject({ lastError: 'drive_storage_full', lastSummary: { polled: 1 } });
    expect(oli.jobs?.['polls-soon']?.cursor).toEqual({ polled: true });
    expect(oli.jobs?.['photo-enhancement']?.cursor).toMatchObject({ storageFull: true });
    expect(oli.nextRunAt.toMillis()).toBeLessThanOrEqual(Date.now() + 121_000);
  });

  it('a user whose worker died is picked up again once the lease expires', async () => {
    await h.connect('lou', 1);
    const message = await dispatch();
    const deps = h.workerDeps();
    // A worker takes the lease and dies before finishing.
    const taken = await deps.leases.take({ ...message.users[0]!, owner: 'dead-worker', now: new Date(), leaseSeconds: 601 });
    expect(taken.kind).toBe('leased');
    expect((await run(message)).outcomes[0]).toMatchObject({ status: 'skipped', reason: 'lease_held' });
    expect((await dispatch()).users).toHaveLength(0);
    // Time passes beyond the lease: the dispatcher hands the user out again and it runs.
    await h.db.collection('users').doc('lou').update({ nextRunAt: new Date(Date.now() - 1), 'lease.expiresAt': new Date(Date.now() - 1) });
    expect((await run(await dispatch())).outcomes[0]).toMatchObject({ status: 'done' });
    expect(results('lou')).toHaveLength(1);
    // The run that found the dead worker's lease counted it; completing its jobs cleared the count.
    expect((await h.user('lou')).unfinishedRuns).toBeUndefined();
  });

  it('a run after one that died counts it, keeps the count when it fails, and clears it when its jobs complete', async () => {
    await h.connect('uma', 1);
    const message = await dispatch();
    const deps = h.workerDeps();
    expect((await deps.leases.take({ ...message.users[0]!, owner: 'dead-worker', now: new Date(), leaseSeconds: 601 })).kind).toBe('leased');
    await h.db.collection('users').doc('uma').update({ 'lease.expiresAt': new Date(Date.now() - 1) });
    h.sandbox.drive.setUserFaults('uma', { failNext: { count: 20, status: 429, retryAfterSeconds: 1 } });
    expect((await run(message)).outcomes[0]).toMatchObject({ status: 'failed', errorCode: 'upstream_rate_limited' });
    h.sandbox.drive.clearUserFaults('uma');
    expect(await h.user('uma')).toMatchObject({ unfinishedRuns: 1, lastError: 'upstream_rate_limited' });

    await h.db.collection('users').doc('uma').update({ nextRunAt: new Date(0) });
    expect((await run(await dispatch())).outcomes[0]).toMatchObject({ status: 'done' });
    expect((await h.user('uma')).unfinishedRuns).toBeUndefined();
    expect(results('uma')).toHaveLength(1);
  });

  it('writes no token to any log line', () => {
    const logs = h.logs.join('\n');
    expect(logs.length).toBeGreaterThan(0);
    expect(logs).not.toMatch(/ya29\.|1\/\/0|4\/0/);
  });
});
