import { Timestamp } from '@google-cloud/firestore';
import type { PubSub } from '@google-cloud/pubsub';
import { loadDispatchConfig } from '../../../functions/src/config';
import { createLogger } from '../../../functions/src/logging/logger';
import { dispatchOfflineWork } from '../../../functions/src/offline/dispatch/dispatch-offline-work';
import { createPubSubPublisher, PublishFailedError } from '../../../functions/src/offline/dispatch/work-publisher';
import type { UserRecord } from '../../../functions/src/users/user-record';
import { emulatorFirestore } from '../../support/firestore';
import { createTopicWithPullSubscription, drainWorkMessages, emulatorPubSub } from '../../support/pubsub';
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
    const config = loadDispatchConfig({ OFFLINE_WORK_TOPIC: topic.name.split('/').pop()!, ...env });
    const deps = { db, publisher: createPubSubPublisher(pubsub, config.topic), config, collection: 'users', now: () => new Date(), logger };
    return { db, subscription, deps };
  }

  it('publishes every due active user exactly once, in batches, paging with a cursor', async () => {
    const { db, subscription, deps } = await setup('paging', { DISPATCH_PAGE_SIZE: '7', DISPATCH_BATCH_SIZE: '3' });
    const due = await seedUsers(db, 30);
    await db.collection('users').doc('later').set({ status: 'active', nextRunAt: Timestamp.fromMillis(Date.now() + 3_600_000) });
    await db.collection('users').doc('gone').set({ status: 'reauth_required', nextRunAt: Timestamp.fromMillis(0) });

    const result = await dispatchOfflineWork(deps);
    expect(result).toEqual({ dispatched: 30, batches: 13, truncated: false }); // 4 pages of 7 (3 batches each) + a page of 2 (1 batch)
    const messages = await drainWorkMessages(subscription);
    const ids = messages.flatMap((m) => m.users.map((u) => u.userId));
    expect(ids.sort()).toEqual(due.sort());
    expect(Math.max(...messages.map((m) => m.users.length))).toBeLessThanOrEqual(3);

    const doc = (await db.collection('users').doc(due[0]!).get()).data() as UserRecord;
    const sent = messages.flatMap((m) => m.users).find((u) => u.userId === due[0]);
    expect(doc.dispatch?.id).toBe(sent?.dispatchId);
    expect(doc.nextRunAt.toMillis()).toBeGreaterThan(Date.now() + 500_000);
    await db.terminate();
  });

  it('stops at MAX_USERS_PER_RUN and the next run continues', async () => {
    const { db, subscription, deps } = await setup('quota', { MAX_USERS_PER_RUN: '12', DISPATCH_PAGE_SIZE: '5' });
    await seedUsers(db, 20);
    expect(await dispatchOfflineWork(deps)).toMatchObject({ dispatched: 12, truncated: true });
    expect(await dispatchOfflineWork(deps)).toMatchObject({ dispatched: 8, truncated: false });
    expect(await dispatchOfflineWork(deps)).toMatchObject({ dispatched: 0 });
    const ids = (await drainWorkMessages(subscription)).flatMap((m) => m.users.map((u) => u.userId));
    expect(new Set(ids).size).toBe(20);
    expect(ids).toHaveLength(20);
    await db.terminate();
  });

  it('overlapping runs never hand out the same user twice', async () => {
    const { db, subscription, deps } = await setup('overlap', { DISPATCH_PAGE_SIZE: '10' });
    await seedUsers(db, 60);
    const results = await Promise.all([dispatchOfflineWork(deps), dispatchOfflineWork(deps), dispatchOfflineWork(deps)]);
    expect(results.reduce((sum, r) => sum + r.dispatched, 0)).toBe(60);
    const ids = (await drainWorkMessages(subscription)).flatMap((m) => m.users.map((u) => u.userId));
    expect(ids).toHaveLength(60);
    expect(new Set(ids).size).toBe(60);
    await db.terminate();
  });

  it('loses no user when publishing fails: they are due again after the lease', async () => {
    const db = emulatorFirestore('nopublish');
    await seedUsers(db, 4);
    const config = loadDispatchConfig({ OFFLINE_WORK_TOPIC: 'topic-that-does-not-exist', LEASE_SECONDS: '601' });
    let clock = Date.now();
    const deps = { db, publisher: createPubSubPublisher(pubsub, config.topic), config, collection: 'users', now: () => new Date(clock), logger };
    await expect(dispatchOfflineWork(deps)).rejects.toBeInstanceOf(PublishFailedError);
    const docs = (await db.collection('users').get()).docs.map((d) => d.data() as UserRecord);
    expect(docs.every((d) => d.status === 'active' && d.nextRunAt.toMillis() <= clock + 601_000)).toBe(true);
    clock += 602_000;
    const { topic, subscription } = await createTopicWithPullSubscription(pubsub);
    const retry = { ...deps, config: { ...config, topic: topic.name.split('/').pop()! }, publisher: createPubSubPublisher(pubsub, topic.name.split('/').pop()!) };
    expect(await dispatchOfflineWork(retry)).toMatchObject({ dispatched: 4 });
    expect((await drainWorkMessages(subscription)).flatMap((m) => m.users)).toHaveLength(4);
    await db.terminate();
  });
});
