/** Deployed function `dispatchOfflineWork` (HTTP: Cloud Scheduler's tick and the dispatch topic's pushes): wiring only. */
import { PubSub } from '@google-cloud/pubsub';
import { loadDispatchConfig, loadFirestoreConfig } from '../config';
import { loadUserEventsConfig } from '../events/events-config';
import { outboxSweeperFromConfig } from '../events/user-events-from-config';
import { toHttpFunction } from '../http/framework-adapter';
import { createLogger } from '../logging/logger';
import { createDispatchHandler } from '../offline/dispatch/dispatch-handler';
import { createPubSubPublisher, createShardPublisher } from '../offline/dispatch/work-publisher';
import { DueIndex } from '../offline/due-index/due-index';
import { createFirestore } from '../wiring/firestore';

const env = process.env;
const firestore = loadFirestoreConfig(env);
const dispatch = loadDispatchConfig(env);
const logger = createLogger({ function: 'dispatchOfflineWork' });
const db = createFirestore(firestore);
const pubsub = new PubSub({ projectId: firestore.projectId });

export const dispatchOfflineWork = toHttpFunction(
  createDispatchHandler({
    db,
    publisher: createPubSubPublisher(pubsub, dispatch.topic),
    shardPublisher: dispatch.dispatchTopic === undefined ? undefined : createShardPublisher(pubsub, dispatch.dispatchTopic),
    dueIndex: new DueIndex(db, firestore.usersCollection),
    sweepOutbox: outboxSweeperFromConfig(loadUserEventsConfig(env), { db, pubsub, logger }),
    config: dispatch,
    collection: firestore.usersCollection,
    now: () => new Date(),
    logger,
  }),
  logger,
);
