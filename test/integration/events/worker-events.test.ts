import { Timestamp } from '@google-cloud/firestore';
import type { PubSub } from '@google-cloud/pubsub';
import { createMessagePublisher } from '../../../functions/src/events/message-publisher';
import { userEventSource } from '../../../functions/src/events/user-event';
import { createUserEvents } from '../../../functions/src/events/user-events';
import { disconnectUser } from '../../../functions/src/lifecycle/disconnect/disconnect-user';
import { createLogger } from '../../../functions/src/logging/logger';
import type { OfflineJob } from '../../../functions/src/jobs/offline-job';
import { OfflineJobError } from '../../../functions/src/jobs/offline-job-error';
import { runBatch } from '../../../functions/src/offline/work/run-batch';
import { emulatorPubSub } from '../../support/pubsub';
import { type OfflineHarness, startOfflineHarness } from '../../support/offline-harness';
import { requestPhotosFor } from '../../support/request-photos';
import { FULL_SCOPES, grantScopesElsewhere } from '../../support/sandbox';
import { collectEvents, type EventCollector, expectValidUserEvent, summary } from './events-kit';

/**
 * The worker's final write and its event are one write: the conditional batch when nobody wrote
 * since the lease, the fallback transaction when someone did (the event then numbered from the
 * document as that transaction reads it), and nothing at all when the lease was lost.
 */
describe("the worker's events and its final write", () => {
  const project = 'worker-events-test';
  let pubsub: PubSub;
  let events: EventCollector;
  let h: OfflineHarness;

  beforeAll(async () => {
    pubsub = emulatorPubSub(project);
    events = await collectEvents(pubsub, 'worker');
    const logger = createLogger({}, () => {});
    h = await startOfflineHarness('worker-events', {}, (db) =>
      createUserEvents({ db, publisher: createMessagePublisher({ projectId: project, topic: events.topicId, pubsub }), source: userEventSource(project), now: () => new Date(), logger }),
    );
  });
  afterAll(async () => {
    await events.close();
    await h.close();
    await pubsub.close();
  });

  const dispatch = (sub: string, id: string) => h.db.collection('users').doc(sub).update({ dispatch: { id, at: Timestamp.now() }, accessTokenExpiresAt: Timestamp.fromMillis(Date.now() - 1000) });
  const run = (sub: string, id: string, jobs?: OfflineJob[]) =>
    runBatch({ v: 1, users: [{ userId: sub, dispatchId: id }] }, Date.now() + 60_000, { ...h.workerDeps(jobs ? { jobs } : {}), owner: `worker-${id}` });

  it('invalid_grant after someone else wrote to the user mid-run: the fallback transaction records the event, numbered from what it read', async () => {
    await h.connect('ivy');
    await events.take(1);
    await h.db.collection('users').doc('ivy').update({ dispatch: { id: 'd1', at: Timestamp.now() } });
    // Mid-run, something else writes to the user's document (so the worker's conditional write
    // fails over to its transaction), then Google has forgotten the grant: the job's Drive call
    // gets a 401, the refresh invalid_grant.
    const meddles: OfflineJob = {
      name: 'meddles',
      requiredScopes: [],
      async run({ drive }) {
        // The other writer numbers events too: the transaction must number from what it reads.
        await h.db.collection('users').doc('ivy').update({ note: 'touched', eventSequence: 5 });
        h.sandbox.admin.revokeGrant('ivy');
        await drive.files.list({ spaces: 'appDataFolder' });
        throw new Error('unreachable: the call above fails');
      },
    };
    const result = await run('ivy', 'd1', [meddles]);
    expect(result.counts.reauth_required).toBe(1);
    const [event, ...more] = await events.take(1);
    expect(more).toEqual([]);
    expectValidUserEvent(event!, project);
    expect(summary(event!)).toEqual({ type: 'reauth_required', subject: 'ivy', sequence: 6, status: 'reauth_required', reason: 'invalid_grant' });
    expect(await h.user('ivy')).toMatchObject({ status: 'reauth_required', eventSequence: 6, note: 'touched' });
  });

  it('invalid_grant for the grant the run held, after the user revoked and signed in again mid-run: the new grant stays and runs next time', async () => {
    await h.connect('kim');
    await events.take(1);
    await dispatch('kim', 'd4');
    const refused = (await h.user('kim')).refreshTokenIds;
    // Mid-run the user removes the app at Google and signs in again: the run's Drive call then meets
    // the old grant's dead access token, and its refresh the old grant's invalid_grant.
    const comesBack: OfflineJob = {
      name: 'user-comes-back-mid-run',
      requiredScopes: [],
      async run({ drive }) {
        h.sandbox.admin.revokeGrant('kim');
        await h.connect('kim');
        await drive.files.list({ spaces: 'appDataFolder' });
        throw new Error('unreachable: the call above fails');
      },
    };
    const result = await run('kim', 'd4', [comesBack]);
    expect(result.counts).toMatchObject({ reauth_required: 0, skipped: 1 });
    expect(result.outcomes).toEqual([{ userId: 'kim', status: 'skipped', reason: 'grant_replaced' }]);
    const user = await h.user('kim');
    expect(user).toMatchObject({ status: 'active', refreshToken: expect.any(Object) });
    expect(user.refreshTokenIds).not.toEqual(refused);
    expect(user.lease).toBeUndefined();
    expect(user.dispatch).toBeUndefined();
    expect((await events.take(0)).map(summary).filter((event) => event.type === 'reauth_required')).toEqual([]);
    await dispatch('kim', 'd5');
    expect((await run('kim', 'd5')).counts.done).toBe(1);
  });

  it('a lease lost to a disconnect mid-run: the worker writes nothing and emits nothing; the disconnect emits its one event', async () => {
    await h.connect('jon');
    await events.take(1);
    await dispatch('jon', 'd2');
    const identity = { revoke: async () => ({ kind: 'revoked' as const }), photos: requestPhotosFor(h) };
    const leaves: OfflineJob = {
      name: 'user-leaves-mid-run',
      requiredScopes: [],
      async run() {
        const userEvents = createUserEvents({ db: h.db, publisher: createMessagePublisher({ projectId: project, topic: events.topicId, pubsub }), source: userEventSource(project), now: () => new Date(), logger: createLogger({}, () => {}) });
        await disconnectUser('jon', { db: h.db, collection: 'users', vault: h.vault, events: userEvents, now: () => new Date(), logger: createLogger({}, () => {}), ...identity });
        h.sandbox.admin.revokeGrant('jon');
        return { cursor: {}, summary: {}, done: true };
      },
    };
    await run('jon', 'd2', [leaves]);
    const got = await events.take(1);
    expect(got.map(summary)).toEqual([{ type: 'disconnected', subject: 'jon', sequence: 2, status: 'disconnected', reason: 'user_request' }]);
    expect(await h.user('jon')).toMatchObject({ status: 'disconnected', eventSequence: 2 });
  });

  /** Room for nothing more in the user's Drive (null: unlimited). */
  const fillStorage = (sub: string) =>
    h.sandbox.drive.setUserStorageLimit(sub, h.sandbox.drive.listFiles(sub, { includeContent: true }).reduce((sum, file) => sum + (file.content?.length ?? 0), 0));

  it("a full Google storage: work_paused once, not again while it stays full, work_resumed by the run that gets through", async () => {
    await h.connect('sal', 1);
    await events.take(1);
    fillStorage('sal');
    await dispatch('sal', 'p1');
    expect((await run('sal', 'p1')).outcomes[0]).toMatchObject({ status: 'failed', errorCode: 'drive_storage_full' });
    const [paused, ...more] = await events.take(1);
    expect(more).toEqual([]);
    expectValidUserEvent(paused!, project);
    expect(summary(paused!)).toEqual({ type: 'work_paused', subject: 'sal', sequence: 2, status: 'active', reason: 'drive_storage_full' });
    expect(await h.user('sal')).toMatchObject({ waitingForUser: 'drive_storage_full', lastError: 'drive_storage_full', eventSequence: 2 });

    await dispatch('sal', 'p2');
    expect((await run('sal', 'p2')).outcomes[0]).toMatchObject({ status: 'failed', errorCode: 'drive_storage_full' });
    expect(await events.take(0)).toEqual([]);

    h.sandbox.drive.setUserStorageLimit('sal', null);
    await dispatch('sal', 'p3');
    expect((await run('sal', 'p3')).outcomes[0]).toMatchObject({ status: 'done' });
    const [resumed] = await events.take(1);
    expectValidUserEvent(resumed!, project);
    expect(summary(resumed!)).toEqual({ type: 'work_resumed', subject: 'sal', sequence: 3, status: 'active', reason: 'drive_storage_full' });
    const sal = await h.user('sal');
    expect(sal.waitingForUser).toBeUndefined();
    expect(sal.eventSequence).toBe(3);
  });

  it('a full Drive, then another job that fails in the same run: the wait and its event are recorded all the same', async () => {
    await h.connect('sam', 1);
    await events.take(1);
    fillStorage('sam');
    const failing: OfflineJob = {
      name: 'fails-after',
      requiredScopes: [],
      async run() {
        throw new OfflineJobError('upstream_unavailable', 'Google is down for this job');
      },
    };
    await dispatch('sam', 'r1');
    expect((await run('sam', 'r1', [...h.workerDeps().jobs, failing])).outcomes[0]).toMatchObject({ status: 'failed', errorCode: 'upstream_unavailable' });
    const [paused] = await events.take(1);
    expect(summary(paused!)).toEqual({ type: 'work_paused', subject: 'sam', sequence: 2, status: 'active', reason: 'drive_storage_full' });
    const sam = await h.user('sam');
    expect(sam).toMatchObject({ waitingForUser: 'drive_storage_full', lastError: 'upstream_unavailable', attempts: 1 });
    expect(sam.jobs?.['photo-enhancement']?.cursor).toMatchObject({ storageFull: true });
  });

  it('a refresh with other scopes and a full Drive in one run: both events, numbered in order, in its one final write', async () => {
    await h.connect('sol', 1);
    await events.take(1);
    // The user granted one more scope elsewhere: the worker's refresh answers it.
    expect(await grantScopesElsewhere(h.sandbox, 'sol', [...FULL_SCOPES, 'https://www.googleapis.com/auth/drive.file'])).toBe(200);
    fillStorage('sol');
    await dispatch('sol', 'q1');
    expect((await run('sol', 'q1')).outcomes[0]).toMatchObject({ status: 'failed', errorCode: 'drive_storage_full' });
    const received = await events.take(2);
    const bySequence = received.map((event) => summary(event)).sort((a, b) => a.sequence - b.sequence);
    expect(bySequence.map(({ type, sequence }) => [type, sequence])).toEqual([
      ['scopes_changed', 2],
      ['work_paused', 3],
    ]);
    expect(await h.user('sol')).toMatchObject({ eventSequence: 3, waitingForUser: 'drive_storage_full' });
    expect((await h.db.collection('userEvents').where('userId', '==', 'sol').get()).size).toBe(3);
  });

  it('a run that changes nothing writes no outbox entry', async () => {
    await h.connect('kai');
    await events.take(1);
    const before = (await h.db.collection('userEvents').get()).size;
    await dispatch('kai', 'd3');
    const result = await run('kai', 'd3');
    expect(result.counts.done).toBe(1);
    expect(await events.take(0)).toEqual([]);
    expect((await h.db.collection('userEvents').get()).size).toBe(before);
  });
});
