import { type Firestore, Timestamp } from '@google-cloud/firestore';
import type { PubSub, Subscription } from '@google-cloud/pubsub';
import { createLogger } from '../../../functions/src/logging/logger';
import { createDispatchHandler } from '../../../functions/src/offline/dispatch/dispatch-handler';
import { readDispatcherRuns } from '../../../functions/src/offline/dispatch/dispatch-runs';
import { dispatchShard } from '../../../functions/src/offline/dispatch/dispatch-shard';
import { dispatchTick } from '../../../functions/src/offline/dispatch/dispatch-tick';
import { createShardPublisher, PublishFailedError } from '../../../functions/src/offline/dispatch/work-publisher';
import type { UserRecord } from '../../../functions/src/users/user-record';
import { emulatorFirestore } from '../../support/firestore';
import { dispatchDepsFor } from '../../support/dispatch';
import { createTopicWithPullSubscription, drainMessages, drainWorkMessages, emulatorPubSub } from '../../support/pubsub';
import { seedUsers } from '../../support/users';

describe('dispatchOfflineWork against the Firestore and Pub/Sub emulators', () => {
  const logLines: string[] = [];
  const logger = createLogger({}, (line) => logLines.push(line));
  let pubsub: PubSub;

  beforeAll(() => {
    pubsub = emulatorPubSub('offline-access-test');
  });
  afterAll(() => pubsub.close());

  async function setup(label: string, env: Record<string, string> = {}) {
    const db = emulatorFirestore(label);
    const { topic, subscription } = await createTopicWithPullSubscription(pubsub);
    const deps = dispatchDepsFor(db, pubsub, { topic: topic.name.split('/').pop()!, env: { DUE_SHARDS: '4', ...env }, logger });
    return { db, subscription, deps };
  }

  const ids = async (subscription: Subscription) => (await drainWorkMessages(subscription)).flatMap((m) => m.users.map((u) => u.userId));
  /** Users spread over the four shards as the exchange spreads them. */
  const seedSharded = (db: Firestore, count: number) => seedUsers(db, count, (i) => ({ shard: i % 4 }));

  it('a tick claims every shard and publishes every due active user exactly once, in batches', async () => {
    const { db, subscription, deps } = await setup('paging', { DISPATCH_PAGE_SIZE: '7', DISPATCH_BATCH_SIZE: '3' });
    const due = await seedSharded(db, 30);
    await db.collection('users').doc('later').set({ status: 'active', shard: 1, nextRunAt: Timestamp.fromMillis(Date.now() + 3_600_000) });
    await db.collection('users').doc('gone').set({ status: 'reauth_required', shard: 2, nextRunAt: Timestamp.fromMillis(0) });

    const result = await dispatchTick(deps);
    // Shards of 8, 8, 7 and 7 users: pages of 7 and 1 (or 7 and an empty one), 3 + 1 (or 3) batches each.
    expect(result).toMatchObject({ kind: 'claimed', shards: 4, dispatched: 30, batches: 14, truncated: false });
    const messages = await drainWorkMessages(subscription);
    expect(messages.flatMap((m) => m.users.map((u) => u.userId)).sort()).toEqual(due.sort());
    expect(Math.max(...messages.map((m) => m.users.length))).toBeLessThanOrEqual(3);

    const doc = (await db.collection('users').doc(due[0]!).get()).data() as UserRecord;
    const sent = messages.flatMap((m) => m.users).find((u) => u.userId === due[0]);
    expect(doc.dispatch?.id).toBe(sent?.dispatchId);
    expect(doc.nextRunAt.toMillis()).toBeGreaterThan(Date.now() + 500_000);
    await db.terminate();
  });

  it('a shard run claims its own shard only, oldest due first', async () => {
    const { db, subscription, deps } = await setup('one-shard', { MAX_USERS_PER_RUN: '3' });
    await seedUsers(db, 12, (i) => ({ shard: i % 2 === 0 ? 3 : 1, nextRunAt: Timestamp.fromMillis(Date.now() - 60_000 * (12 - i)) }));
    const state = await deps.dueIndex.state(4);
    expect(await dispatchShard(3, state, deps)).toMatchObject({ shard: 3, dispatched: 3, batches: 1, truncated: true });
    // The three oldest of shard 3 (even indexes), none of shard 1.
    expect((await ids(subscription)).sort()).toEqual(['user-000000', 'user-000002', 'user-000004']);
    await db.terminate();
  });

  it('stops at MAX_USERS_PER_RUN per shard and the next tick continues', async () => {
    const { db, subscription, deps } = await setup('quota', { MAX_USERS_PER_RUN: '3', DISPATCH_PAGE_SIZE: '2' });
    await seedSharded(db, 20);
    expect(await dispatchTick(deps)).toMatchObject({ dispatched: 12, truncated: true });
    expect(await dispatchTick(deps)).toMatchObject({ dispatched: 8, truncated: false });
    expect(await dispatchTick(deps)).toMatchObject({ dispatched: 0 });
    const all = await ids(subscription);
    expect(new Set(all).size).toBe(20);
    expect(all).toHaveLength(20);
    await db.terminate();
  });

  it('overlapping ticks never hand out the same user twice', async () => {
    const { db, subscription, deps } = await setup('overlap', { DISPATCH_PAGE_SIZE: '10' });
    await seedSharded(db, 60);
    const results = await Promise.all([dispatchTick(deps), dispatchTick(deps), dispatchTick(deps)]);
    expect(results.reduce((sum, r) => sum + (r.kind === 'claimed' ? r.dispatched : 0), 0)).toBe(60);
    const all = await ids(subscription);
    expect(all).toHaveLength(60);
    expect(new Set(all).size).toBe(60);
    await db.terminate();
  });

  it('holds a shard run to DISPATCH_SHARD_RATE across its pages: one rate limiter, not one per page', async () => {
    const { db, subscription, deps } = await setup('rate', { DISPATCH_SHARD_RATE: '50', DISPATCH_PAGE_SIZE: '20' });
    await seedUsers(db, 150, () => ({ shard: 0 }));
    const started = Date.now();
    expect(await dispatchShard(0, await deps.dueIndex.state(4), deps)).toMatchObject({ dispatched: 150 });
    // The limiter's bucket starts full (50 claims), then refills at 50/s: at least 2 s for the other 100.
    // Pages of 20 each under their own limiter would never wait at all.
    expect(Date.now() - started).toBeGreaterThanOrEqual(1_800);
    expect(await ids(subscription)).toHaveLength(150);
    await db.terminate();
  });

  it('with DISPATCH_TOPIC, a tick publishes one {"shard": s} message per shard and claims nothing itself', async () => {
    const { db, subscription, deps } = await setup('fan-out');
    await seedSharded(db, 8);
    const shardTopic = await createTopicWithPullSubscription(pubsub);
    const fanned = { ...deps, shardPublisher: createShardPublisher(pubsub, shardTopic.topic.name.split('/').pop()!) };
    expect(await dispatchTick(fanned)).toEqual({ kind: 'fanned_out', shards: 4 });
    const shardMessages = await drainMessages(shardTopic.subscription);
    expect(shardMessages.map((m) => JSON.parse(m.toString('utf8')) as unknown).sort((a, b) => (a as { shard: number }).shard - (b as { shard: number }).shard)).toEqual([
      { shard: 0 },
      { shard: 1 },
      { shard: 2 },
      { shard: 3 },
    ]);
    expect(await ids(subscription)).toHaveLength(0);
    await db.terminate();
  });

  it('DUE_SHARDS only grows: a dispatcher configured with fewer keeps serving every shard ever used', async () => {
    const { db, subscription, deps } = await setup('grow', { DUE_SHARDS: '8' });
    await seedUsers(db, 16, (i) => ({ shard: i % 8 }));
    expect(await dispatchTick(deps)).toMatchObject({ shards: 8, dispatched: 16 });
    await seedUsers(db, 8, (i) => ({ shard: i }), 'users'); // the same ids, due again, shards 0..7
    const fewer = { ...deps, config: { ...deps.config, shards: 4 } };
    expect(await dispatchTick(fewer)).toMatchObject({ shards: 8, dispatched: 8 });
    expect(await ids(subscription)).toHaveLength(24);
    await db.terminate();
  });

  it('shard 0 also serves users without a shard until the backfill is done, giving each a shard as it claims it', async () => {
    const { db, subscription, deps } = await setup('legacy');
    await seedSharded(db, 8);
    const legacy = ['old-a', 'old-b', 'old-c'];
    for (const id of legacy) await db.collection('users').doc(id).set({ userId: id, status: 'active', nextRunAt: Timestamp.fromMillis(Date.now() - 1_000) });
    const shardedBefore = await sharded(db);
    const first = await dispatchTick(deps);
    const claimed = await ids(subscription);
    expect(claimed.sort()).toEqual([...legacy, ...shardedBefore].sort());
    expect(first).toMatchObject({ dispatched: 11 });

    // Each claim gave its user a shard: due again, they are served by their shards, even once the
    // backfill is done and nobody reads the unsharded range any more.
    for (const id of legacy) expect((await db.collection('users').doc(id).get()).get('shard')).toEqual(expect.any(Number));
    await deps.dueIndex.markBackfillDone(new Date());
    for (const id of legacy) await db.collection('users').doc(id).update({ nextRunAt: Timestamp.fromMillis(0) });
    expect(await dispatchTick(deps)).toMatchObject({ dispatched: 3 });
    expect((await ids(subscription)).sort()).toEqual(legacy);

    // One still without a shard after the backfill said done is no longer read.
    await db.collection('users').doc('old-d').set({ userId: 'old-d', status: 'active', nextRunAt: Timestamp.fromMillis(0) });
    expect(await dispatchTick(deps)).toMatchObject({ dispatched: 0 });
    await db.terminate();
  });

  it('leaves a due user whose lease is still held unclaimed, keeping the time it asked for, and claims it once the lease is over', async () => {
    const { db, subscription, deps } = await setup('leased');
    // A sign-in during a run asked for a run now while the worker still holds the lease.
    const askedAt = Timestamp.fromMillis(Date.now() - 1_000);
    await db.collection('users').doc('mid-run').set({ status: 'active', shard: 2, nextRunAt: askedAt, lease: { owner: 'worker-1', expiresAt: Timestamp.fromMillis(Date.now() + 300_000) } });
    await db.collection('users').doc('free').set({ status: 'active', shard: 2, nextRunAt: askedAt });

    expect(await dispatchTick(deps)).toMatchObject({ dispatched: 1 });
    expect(await ids(subscription)).toEqual(['free']);
    const held = (await db.collection('users').doc('mid-run').get()).data() as UserRecord;
    expect(held.dispatch).toBeUndefined();
    expect(held.nextRunAt.toMillis()).toBe(askedAt.toMillis());

    // The run ended without finishing (its lease lapsed): the next tick claims the user.
    await db.collection('users').doc('mid-run').update({ 'lease.expiresAt': Timestamp.fromMillis(Date.now() - 1) });
    expect(await dispatchTick(deps)).toMatchObject({ dispatched: 1 });
    expect(await ids(subscription)).toEqual(['mid-run']);
    await db.terminate();
  });

  it('loses no user when publishing fails: they are due again after the lease', async () => {
    const db = emulatorFirestore('nopublish');
    await seedSharded(db, 4);
    let clock = Date.now();
    const deps = dispatchDepsFor(db, pubsub, { topic: 'topic-that-does-not-exist', env: { DUE_SHARDS: '4', LEASE_SECONDS: '601' }, now: () => new Date(clock), logger });
    await expect(dispatchTick(deps)).rejects.toBeInstanceOf(PublishFailedError);
    const docs = (await db.collection('users').get()).docs.map((d) => d.data() as UserRecord);
    expect(docs.every((d) => d.status === 'active' && d.nextRunAt.toMillis() <= clock + 601_000)).toBe(true);
    clock += 602_000;
    const { topic, subscription } = await createTopicWithPullSubscription(pubsub);
    const retry = { ...dispatchDepsFor(db, pubsub, { topic: topic.name.split('/').pop()!, env: { DUE_SHARDS: '4' }, logger }), now: deps.now };
    expect(await dispatchTick(retry)).toMatchObject({ dispatched: 4 });
    expect(await ids(subscription)).toHaveLength(4);
    await db.terminate();
  });

  describe('one summary line per invocation, every line carrying its shard', () => {
    /** The handler on setup()'s deps, and the lines it logs from now on. */
    async function summarySetup(label: string, env: Record<string, string> = {}) {
      const { db, deps } = await setup(label, env);
      const from = logLines.length;
      return { db, handler: createDispatchHandler(deps), lines: () => logLines.slice(from).map((line) => JSON.parse(line) as Record<string, unknown>) };
    }
    const request = (body: string) => ({ method: 'POST', headers: { 'content-type': 'application/json' }, rawBody: Buffer.from(body) });

    it('a shard run: shard, dispatched, truncated, how far behind the oldest due user is, the duration', async () => {
      const { db, handler, lines } = await summarySetup('summary-shard', { MAX_USERS_PER_RUN: '3', OFFLINE_WORK_INTERVAL: '3600' });
      const twoHoursAgo = Date.now() - 7_200_000;
      await seedUsers(db, 5, (i) => ({ shard: 2, nextRunAt: Timestamp.fromMillis(twoHoursAgo + i * 60_000) }));
      await seedUsers(db, 2, () => ({ shard: 1 }), 'users', 'other');
      expect((await handler(request('{"shard": 2}'))).body).toEqual({ shard: 2, dispatched: 3, batches: 1, truncated: true });

      const logged = lines();
      const summaries = logged.filter((line) => line.summary === 'dispatcher');
      expect(summaries).toHaveLength(1);
      expect(summaries[0]).toMatchObject({ severity: 'INFO', trigger: 'shard', shard: 2, shards: [2], dispatched: 3, truncated: true, truncatedShards: [2] });
      expect(summaries[0]!.oldestDueSeconds).toBeGreaterThanOrEqual(7199);
      expect(summaries[0]!.oldestDueSeconds).toBeLessThan(7230);
      expect(summaries[0]!.behindIntervals).toBeCloseTo(2, 1);
      expect(typeof summaries[0]!.durationMs).toBe('number');
      for (const line of logged) expect(line.shard).toBe(2);

      const runs = await readDispatcherRuns(db, 'users', 4);
      expect(runs.shards[2]).toMatchObject({ trigger: 'shard', dispatched: 3, truncated: true });
      expect(runs.shards[1]).toBeUndefined();
      await db.terminate();
    });

    it('a tick that claims every shard itself: one line for all of them', async () => {
      const { db, handler, lines } = await summarySetup('summary-tick');
      await seedUsers(db, 6, (i) => ({ shard: i % 3 }));
      await handler(request('{}'));
      const summaries = lines().filter((line) => line.summary === 'dispatcher');
      expect(summaries).toHaveLength(1);
      expect(summaries[0]).toMatchObject({ trigger: 'tick', shards: [0, 1, 2, 3], dispatched: 6, truncated: false, truncatedShards: [] });
      expect(summaries[0]!.oldestDueSeconds).toBeGreaterThanOrEqual(59);
      const runs = await readDispatcherRuns(db, 'users', 4);
      expect(runs.tick).toMatchObject({ shards: 4, fannedOut: false });
      expect(runs.shards.map((run) => run?.dispatched)).toEqual([2, 2, 2, 0]);
      await db.terminate();
    });

    it('a failed run ends with its summary line too, marked failed', async () => {
      const { db, handler, lines } = await summarySetup('summary-failed');
      await expect(handler(request('{"shard": 9}'))).rejects.toMatchObject({ code: 'invalid_request' });
      const summaries = lines().filter((line) => line.summary === 'dispatcher');
      expect(summaries).toEqual([expect.objectContaining({ severity: 'WARNING', trigger: 'shard', shard: 9, failed: true, errorCode: 'invalid_request' })]);
      await db.terminate();
    });
  });
});

async function sharded(db: Firestore): Promise<string[]> {
  return (await db.collection('users').get()).docs.filter((doc) => doc.get('shard') !== undefined).map((doc) => doc.id);
}
