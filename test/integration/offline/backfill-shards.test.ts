import { FieldValue, type Firestore, Timestamp } from '@google-cloud/firestore';
import type { PubSub, Subscription } from '@google-cloud/pubsub';
import { createLogger } from '../../../functions/src/logging/logger';
import { dispatchTick } from '../../../functions/src/offline/dispatch/dispatch-tick';
import { type BackfillCursor, decodeBackfillCursor, START_BACKFILL } from '../../../functions/src/offline/due-index/backfill-cursor';
import { type BackfillDeps, type BackfillResult, backfillShards } from '../../../functions/src/offline/due-index/backfill-shards';
import { DueIndex } from '../../../functions/src/offline/due-index/due-index';
import { decodeWorkMessage } from '../../../functions/src/offline/work-message';
import { USER_EVENTS_OFF } from '../../../functions/src/events/user-events';
import { LeaseStore } from '../../../functions/src/offline/work/lease-store';
import { emulatorFirestore } from '../../support/firestore';
import { dispatchDepsFor } from '../../support/dispatch';
import { createTopicWithPullSubscription, emulatorPubSub } from '../../support/pubsub';
import { seedUsers } from '../../support/users';

/** Upgrading a database written before sharding: the backfill against the emulator, racing the dispatcher and workers. */
describe('backfillShards', () => {
  const logger = createLogger({}, () => {});
  let pubsub: PubSub;
  let db: Firestore;
  let collection: string;

  beforeAll(() => {
    pubsub = emulatorPubSub('offline-access-test');
    db = emulatorFirestore('backfill');
  });
  afterAll(async () => {
    await pubsub.close();
    await db.terminate();
  });
  beforeEach(() => {
    collection = `users-${Math.random().toString(36).slice(2, 8)}`;
  });

  function deps(overrides: Partial<BackfillDeps> = {}): BackfillDeps {
    return { db, collection, dueIndex: new DueIndex(db, collection), shards: 4, random: Math.random, pageSize: 50, budgetSeconds: 60, now: () => new Date(), logger, ...overrides };
  }

  async function runToCompletion(d: BackfillDeps, from: BackfillCursor = START_BACKFILL): Promise<BackfillResult[]> {
    const calls: BackfillResult[] = [];
    let cursor = from;
    for (;;) {
      const result = await backfillShards(cursor, d);
      calls.push(result);
      if (result.done) return calls;
      if (calls.length > 100) throw new Error('the backfill did not finish');
      cursor = decodeBackfillCursor(result.nextCursor!)!;
    }
  }

  const shardsOf = async () => (await db.collection(collection).get()).docs.map((doc) => doc.get('shard') as number | undefined);

  it('gives every user without a shard one in range, leaves the others, and records that it is done', async () => {
    await seedUsers(db, 70, () => ({}), collection, 'legacy');
    await seedUsers(db, 30, (i) => ({ shard: i % 4 }), collection, 'sharded');
    const before = await shardsOf();
    // One page per call: each reading of the clock moves it on past the budget.
    let clock = Date.now();
    const calls = await runToCompletion(deps({ budgetSeconds: 1, now: () => new Date((clock += 2_000)) }));
    expect(calls.length).toBeGreaterThan(2);
    expect(calls.reduce((sum, c) => sum + c.assigned, 0)).toBe(70);
    const after = await shardsOf();
    expect(after.every((s) => Number.isInteger(s) && s! >= 0 && s! < 4)).toBe(true);
    // The sharded users kept theirs.
    expect(after.filter((_, i) => before[i] !== undefined)).toEqual(before.filter((s) => s !== undefined));
    expect((await new DueIndex(db, collection).state(4)).backfillDone).toBe(true);
    // Done stays done, and a call then writes nothing.
    expect(await backfillShards(START_BACKFILL, deps())).toMatchObject({ assigned: 0, skipped: 0, done: true });
  });

  it('says done only after a whole pass that changed nobody (conflicts are sweepPage\'s, shared with rewrapTokens and tested there)', async () => {
    await seedUsers(db, 10, () => ({}), collection);
    const lines: string[] = [];
    const [result] = await runToCompletion(deps({ random: () => 0.5, logger: createLogger({}, (line) => lines.push(line)) }));
    // Pass 1 gave all ten a shard, so it could not say done; pass 2 read them again and changed nobody.
    expect(result).toMatchObject({ scanned: 20, assigned: 10, skipped: 0, done: true, nextCursor: null });
    expect(lines.filter((line) => line.includes('starting another pass'))).toHaveLength(1);
    expect((await shardsOf()).every((s) => s === 2)).toBe(true);
  });

  it('during the upgrade nobody is skipped and nobody runs twice: backfill, three racing ticks and a worker', async () => {
    const everyone = [...(await seedUsers(db, 240, () => ({}), collection, 'legacy')), ...(await seedUsers(db, 80, (i) => ({ shard: i % 4 }), collection, 'sharded'))];
    const { topic, subscription } = await createTopicWithPullSubscription(pubsub);
    const topicId = topic.name.split('/').pop()!;
    const dispatch = dispatchDepsFor(db, pubsub, { topic: topicId, collection, env: { DUE_SHARDS: '4', DISPATCH_PAGE_SIZE: '25' } });
    const worker = runEveryMessage(subscription, new LeaseStore(db, collection, USER_EVENTS_OFF));

    // The backfill runs page by page while ticks keep claiming (legacy users through shard 0's extra range).
    const backfill = runToCompletion(deps({ pageSize: 20, budgetSeconds: 1, now: sloppyClock() }));
    const ticks = Promise.all([dispatchTick(dispatch), dispatchTick(dispatch), dispatchTick(dispatch)]).then(async (first) => [
      ...first,
      ...(await Promise.all([dispatchTick(dispatch), dispatchTick(dispatch), dispatchTick(dispatch)])),
    ]);
    const [calls] = await Promise.all([backfill, ticks]);
    expect(calls.at(-1)).toMatchObject({ done: true });
    // Ticks after the backfill, as the scheduler keeps ticking: whoever was written by it meanwhile and
    // is still due is claimed now. Until a tick finds nobody (a loaded machine can truncate one at its
    // budget), at most ten.
    for (let i = 0; i < 10; i++) {
      const after = await dispatchTick(dispatch);
      if (after.kind === 'claimed' && after.dispatched === 0 && !after.truncated) break;
    }
    const runs = await worker.settle(everyone);

    const docs = new Map((await db.collection(collection).get()).docs.map((doc) => [doc.id, doc.data()]));
    for (const id of everyone) {
      expect({ id, runs: docs.get(id)?.runs }).toEqual({ id, runs: 1 });
      expect(docs.get(id)?.shard).toEqual(expect.any(Number));
    }
    expect(runs.size).toBe(everyone.length);
  }, 60_000);
});

/** The clock of a call that takes a while: a budget of 1 s ends after a page or two. */
function sloppyClock(): () => Date {
  let clock = Date.now();
  return () => new Date((clock += 700));
}

/**
 * A worker that does exactly what runOfflineWork does to run a user once (take the lease for the
 * message's dispatch, finish, releasing lease and dispatch) and counts the runs on the user.
 */
function runEveryMessage(subscription: Subscription, leases: LeaseStore): { settle(expected: readonly string[]): Promise<Map<string, number>> } {
  const runs = new Map<string, number>();
  const pending: Promise<void>[] = [];
  subscription.on('message', (message) => {
    message.ack();
    const work = decodeWorkMessage(message.data);
    for (const user of work?.users ?? []) {
      pending.push(
        (async () => {
          const taken = await leases.take({ ...user, owner: 'test-worker', now: new Date(), leaseSeconds: 600 });
          if (taken.kind !== 'leased') return;
          await leases.finish(taken.lease, { runs: FieldValue.increment(1), nextRunAt: Timestamp.fromMillis(Date.now() + 3_600_000) });
          runs.set(user.userId, (runs.get(user.userId) ?? 0) + 1);
        })(),
      );
    }
  });
  return {
    /** Once every expected user has run (or 20 s have passed: the test then names who did not), then until 1.5 s bring no new message. */
    async settle(expected) {
      const deadline = Date.now() + 20_000;
      while (expected.some((id) => !runs.has(id)) && Date.now() < deadline) {
        await new Promise((resolve) => setTimeout(resolve, 200));
        await Promise.all(pending);
      }
      let seen = -1;
      while (seen !== pending.length) {
        seen = pending.length;
        await new Promise((resolve) => setTimeout(resolve, 1_500));
        await Promise.all(pending);
      }
      subscription.removeAllListeners('message');
      await subscription.close();
      return runs;
    },
  };
}
