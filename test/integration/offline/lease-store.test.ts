import { FieldValue, type Firestore, Timestamp } from '@google-cloud/firestore';
import { USER_EVENTS_OFF } from '../../../functions/src/events/user-events';
import { type Lease, type LeaseOutcome, LeaseStore } from '../../../functions/src/offline/work/lease-store';
import { emulatorFirestore } from '../../support/firestore';
import { seedUsers } from '../../support/users';

/** Taking a user's lease (the first write of every worker run) against other writers of the user. */
describe('LeaseStore.take', () => {
  let db: Firestore;
  beforeAll(() => {
    db = emulatorFirestore('lease-store');
  });
  afterAll(() => db.terminate());

  const take = (store: LeaseStore, userId: string) =>
    store.take({ userId, dispatchId: `dispatch-${userId}`, owner: 'worker-a', now: new Date(), leaseSeconds: 600 });

  it('is not lost to a write of something else in between (a rewrap, the shard backfill): it reads again and takes the lease', async () => {
    const collection = `users-${Math.random().toString(36).slice(2, 8)}`;
    const ids = await seedUsers(db, 100, (i) => ({ dispatch: { id: `dispatch-user-${String(i).padStart(6, '0')}`, at: Timestamp.now() } }), collection);
    const store = new LeaseStore(db, collection, USER_EVENTS_OFF);
    // Each take races one write of another field, started 0-19 ms after it: some land before its
    // read, some between its read and its write, some after.
    const later = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
    const outcomes = await Promise.all(
      ids.map(async (id, i) => (await Promise.all([take(store, id), later(i % 20).then(() => db.collection(collection).doc(id).update({ shard: 3 }))]))[0]),
    );
    expect(outcomes.filter((o) => o.kind !== 'leased')).toEqual([]);
    const docs = (await db.collection(collection).get()).docs.map((doc) => doc.data());
    expect(docs.filter((doc) => doc.shard !== 3 || doc.lease?.owner !== 'worker-a')).toEqual([]);
  });

  it('still skips when the write in between changed who runs: a newer dispatch, a lease held, a disconnect', async () => {
    const collection = `users-${Math.random().toString(36).slice(2, 8)}`;
    const dispatch = (id: string) => ({ dispatch: { id: `dispatch-${id}`, at: Timestamp.now() } });
    await seedUsers(db, 3, () => ({}), collection, 'u');
    const users = db.collection(collection);
    await users.doc('u-000000').update({ dispatch: { id: 'a-newer-one', at: Timestamp.now() } });
    await users.doc('u-000001').update({ ...dispatch('u-000001'), lease: { owner: 'worker-b', expiresAt: Timestamp.fromMillis(Date.now() + 60_000) } });
    await users.doc('u-000002').update({ ...dispatch('u-000002'), status: 'disconnected' });
    const store = new LeaseStore(db, collection, USER_EVENTS_OFF);
    expect(await take(store, 'u-000000')).toEqual({ kind: 'skipped', reason: 'stale_dispatch' });
    expect(await take(store, 'u-000001')).toEqual({ kind: 'skipped', reason: 'lease_held' });
    expect(await take(store, 'u-000002')).toEqual({ kind: 'skipped', reason: 'inactive' });
  });

  it('counts the runs that never made their final write (a lease left behind), and keeps the count until a final write deletes it', async () => {
    const collection = `users-${Math.random().toString(36).slice(2, 8)}`;
    await seedUsers(db, 1, () => ({}), collection, 'c');
    const user = db.collection(collection).doc('c-000000');
    const store = new LeaseStore(db, collection, USER_EVENTS_OFF);
    const dispatchAgain = () => user.update({ dispatch: { id: 'dispatch-c-000000', at: Timestamp.now() } });
    await dispatchAgain();
    // A run that died: its lease is still there, expired.
    const died = () => user.update({ lease: { owner: 'worker-dead', expiresAt: Timestamp.fromMillis(Date.now() - 1_000) } });
    const leaseOf = (outcome: LeaseOutcome) => (outcome as { lease: Lease }).lease;

    const first = await take(store, 'c-000000');
    expect(first).toMatchObject({ kind: 'leased', lease: { unfinishedRuns: 0 } });
    expect((await user.get()).data()?.unfinishedRuns).toBeUndefined();

    await died();
    expect(await take(store, 'c-000000')).toMatchObject({ kind: 'leased', lease: { unfinishedRuns: 1 } });
    await died();
    const third = await take(store, 'c-000000');
    expect(third).toMatchObject({ kind: 'leased', lease: { unfinishedRuns: 2 } });
    expect((await user.get()).data()?.unfinishedRuns).toBe(2);

    // A final write that does not say the jobs completed (a failure, a stop) keeps the count, and so does the next take.
    expect(await store.finish(leaseOf(third), { lastError: 'upstream_unavailable' })).toBe(true);
    expect((await user.get()).data()).toMatchObject({ unfinishedRuns: 2 });
    expect((await user.get()).data()?.lease).toBeUndefined();
    await dispatchAgain();
    const fourth = await take(store, 'c-000000');
    expect(fourth).toMatchObject({ kind: 'leased', lease: { unfinishedRuns: 2 } });

    expect(await store.finish(leaseOf(fourth), { unfinishedRuns: FieldValue.delete() })).toBe(true);
    const completed = (await user.get()).data();
    expect([completed?.unfinishedRuns, completed?.lease]).toEqual([undefined, undefined]);
  });
});
