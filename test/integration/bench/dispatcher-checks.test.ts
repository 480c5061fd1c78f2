import { type Firestore, Timestamp } from '@google-cloud/firestore';
import type { PubSub, Topic } from '@google-cloud/pubsub';
import { encodeWorkMessage } from '../../../functions/src/offline/work-message';
import { checkInvariants } from '../../../bench/suites/dispatcher/invariants';
import { LeaseRunner } from '../../../bench/suites/dispatcher/lease-runner';
import { type Population, seedDuePopulation } from '../../../bench/suites/dispatcher/population';
import { WorkLog } from '../../../bench/suites/dispatcher/work-log';
import { waitUntil } from '../../../scripts/lib/ports';
import { emulatorFirestore } from '../../support/firestore';
import { createTopicWithPullSubscription, emulatorPubSub } from '../../support/pubsub';

/**
 * The dispatcher bench's own checks, against the emulators: its stand-in worker (the worker's
 * LeaseStore) runs a user once however many messages name it, and its invariant check names
 * every kind of broken dispatch rather than passing it.
 */
describe('dispatcher bench checks', () => {
  let db: Firestore;
  let pubsub: PubSub;
  let topic: Topic;
  let work: WorkLog;
  let population: Population;

  beforeEach(async () => {
    db = emulatorFirestore('bench-checks');
    pubsub = emulatorPubSub('offline-access-test');
    const created = await createTopicWithPullSubscription(pubsub);
    topic = created.topic;
    let n = 0;
    ({ population } = await seedDuePopulation(db, { collection: 'users', users: 6, shards: 2, random: () => ((n += 0.37) % 1) }));
    work = new WorkLog(created.subscription, population);
  });
  afterEach(async () => {
    await work.close();
    await pubsub.close();
    await db.terminate();
  });

  /** What a dispatcher's claim leaves on the document, and the message it publishes. */
  async function claim(userId: string, dispatchId: string): Promise<void> {
    await db.collection('users').doc(userId).update({ dispatch: { id: dispatchId, at: Timestamp.now() }, nextRunAt: Timestamp.fromMillis(Date.now() + 600_000) });
  }
  async function publish(users: { userId: string; dispatchId: string }[]): Promise<void> {
    await topic.publishMessage({ data: encodeWorkMessage({ v: 1, users }) });
  }
  const runner = () => new LeaseRunner(db, 'users', { concurrency: 4, leaseSeconds: 60, intervalSeconds: 3600 });

  it('holds when every user is claimed, published and run once, even with stale and duplicate messages', async () => {
    const ids = population.ids;
    const stand = runner();
    work.onUsers((users) => stand.enqueue(users));
    for (const id of ids) await claim(id, `old-${id}`);
    for (const id of ids) await claim(id, `new-${id}`);
    // The superseded claim, the current one, and the current one again (a Pub/Sub redelivery).
    await publish(ids.map((userId) => ({ userId, dispatchId: `old-${userId}` })));
    await publish(ids.map((userId) => ({ userId, dispatchId: `new-${userId}` })));
    await publish(ids.map((userId) => ({ userId, dispatchId: `new-${userId}` })));
    expect(await work.waitForEveryUser(10_000)).toBe(true);
    await waitUntil(async () => work.messages === 3, 'the three work messages', 10_000);
    expect(await stand.drain(10_000)).toBe(true);

    expect(stand.totals.ran).toBe(ids.length);
    // Refused: every superseded message, and the duplicate (stale once the first finished, or a lost race if they overlapped).
    const { stale_dispatch = 0, lost_race = 0, lease_held = 0 } = stand.totals.skipped;
    expect(stale_dispatch + lost_race + lease_held).toBe(2 * ids.length);
    expect(stale_dispatch).toBeGreaterThanOrEqual(ids.length);
    expect(work.republished).toBe(2 * ids.length);
    const report = await checkInvariants(db, population, work, { ran: true });
    expect(report.violations).toEqual([]);
    expect(report.counts).toMatchObject({ users: 6, neverPublished: 0, notRunOnce: 0, leftDue: 0, leaseLeft: 0, missing: 0 });
  });

  it('names each broken invariant: never published, ran twice, never ran and left due, a lease left, a document gone', async () => {
    const [twice, unpublished, leased, gone, ok, unrun] = population.ids as [string, string, string, string, string, string];
    for (const id of [twice, leased, gone, ok, unrun]) await claim(id, `d-${id}`);
    await publish([twice, leased, gone, ok, unrun].map((userId) => ({ userId, dispatchId: `d-${userId}` })));
    await waitUntil(async () => work.distinct === 5, 'five users published', 10_000);
    const stand = runner();
    stand.enqueue([twice, ok].map((userId) => ({ userId, dispatchId: `d-${userId}` })));
    expect(await stand.drain(10_000)).toBe(true);
    // Damage the outcome the way a broken dispatcher or worker would.
    await db.collection('users').doc(twice).update({ runs: 2 });
    await db.collection('users').doc(leased).update({ lease: { owner: 'ghost', expiresAt: Timestamp.fromMillis(Date.now() + 60_000) }, runs: 1 });
    await db.collection('users').doc(gone).delete();
    await db.collection('users').doc(unrun).update({ nextRunAt: Timestamp.fromMillis(Date.now() - 1_000) });

    const report = await checkInvariants(db, population, work, { ran: true });
    expect(report.counts).toMatchObject({ neverPublished: 1, ranTwiceOrMore: 1, leaseLeft: 1, missing: 1 });
    // Never ran: the unpublished user, the unrun one; twice: runs 2.
    expect(report.counts.notRunOnce).toBe(3);
    // Left due: the unpublished user (as seeded) and the unrun one.
    expect(report.counts.leftDue).toBe(2);
    const text = report.violations.join('\n');
    for (const id of [twice, unpublished, leased, gone, unrun]) expect(text).toContain(id);
    expect(text).not.toContain(ok);
  });

  it('without runs, names a user whose record does not hold the claim it was published with', async () => {
    const [overwritten, unpublished, ...claimed] = population.ids as [string, string, ...string[]];
    for (const id of [overwritten, ...claimed]) await claim(id, `d-${id}`);
    // Another claim of the same user after its publication (a claim that should not have happened).
    await publish([overwritten, ...claimed].map((userId) => ({ userId, dispatchId: `d-${userId}` })));
    await claim(overwritten, 'd-other');
    await waitUntil(async () => work.distinct === 5, 'five users published', 10_000);

    const report = await checkInvariants(db, population, work, { ran: false });
    expect(report.counts).toMatchObject({ neverPublished: 1, notClaimed: 1, notRunOnce: 0, leftDue: 1, missing: 0 });
    const text = report.violations.join('\n');
    expect(text).toContain(overwritten);
    expect(text).toContain(unpublished);
    for (const id of claimed) expect(text).not.toContain(id);
  });
});
