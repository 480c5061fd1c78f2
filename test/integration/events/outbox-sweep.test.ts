import { randomUUID } from 'node:crypto';
import { type Firestore, Timestamp } from '@google-cloud/firestore';
import type { PubSub } from '@google-cloud/pubsub';
import { createMessagePublisher } from '../../../functions/src/events/message-publisher';
import { outboxCollection } from '../../../functions/src/events/outbox';
import { createOutboxSweeper } from '../../../functions/src/events/sweep-outbox';
import { createLogger } from '../../../functions/src/logging/logger';
import { emulatorFirestore } from '../../support/firestore';
import { emulatorPubSub } from '../../support/pubsub';
import { collectEvents, type EventCollector } from './events-kit';

/** The dispatcher tick's sweep of the outbox, against the Firestore and Pub/Sub emulators. */
describe('the outbox sweep', () => {
  const projectId = `outbox-sweep-${randomUUID().slice(0, 8)}`;
  let db: Firestore;
  let pubsub: PubSub;
  let events: EventCollector;

  beforeAll(async () => {
    db = emulatorFirestore(projectId);
    pubsub = emulatorPubSub(projectId);
    events = await collectEvents(pubsub, 'sweep');
  });
  afterAll(async () => {
    await events.close();
    await pubsub.close();
    await db.terminate();
  });

  const body = (id: string) =>
    JSON.stringify({ specversion: '1.0', id, type: 'dev.offlineaccess.user.connected.v1', source: `//offline-access/projects/${projectId}`, subject: 'u', time: new Date().toISOString(), data: {} });

  it("publishes an old entry behind more than a sweep's worth of younger ones", async () => {
    const young = Timestamp.now();
    for (let start = 0; start < 1_100; start += 500) {
      const batch = db.batch();
      for (let i = start; i < Math.min(start + 500, 1_100); i += 1) {
        batch.set(outboxCollection(db).doc(`a-${String(i).padStart(5, '0')}`), { userId: 'u', body: body(`young-${i}`), unsent: true, attemptAt: young });
      }
      await batch.commit();
    }
    // Sorts after every young entry; written two minutes ago, so its function is surely gone.
    await outboxCollection(db).doc('z-old').set({ userId: 'u', body: body('old-one'), unsent: true, attemptAt: Timestamp.fromMillis(Date.now() - 120_000) });
    const sweep = createOutboxSweeper({ db, publisher: createMessagePublisher({ projectId, topic: events.topicId, pubsub }), now: () => new Date(), logger: createLogger({}, () => {}) });

    const result = await sweep();

    expect(result).toEqual({ published: 1, failed: 0, skipped: 1_100 });
    const [published, ...more] = await events.take(1);
    expect(more).toEqual([]);
    expect(published!.event.id).toBe('old-one');
    expect((await outboxCollection(db).doc('z-old').get()).data()?.unsent).toBeUndefined();
  });
});
