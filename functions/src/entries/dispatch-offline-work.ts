/** Deployed function `dispatchOfflineWork` (HTTP, invoked by Cloud Scheduler): wiring only. */
import { PubSub } from '@google-cloud/pubsub';
import { loadDispatchConfig, loadFirestoreConfig } from '../config';
import { loadUserEventsConfig } from '../events/events-config';
import { outboxSweeperFromConfig } from '../events/user-events-from-config';
import { toHttpFunction } from '../http/framework-adapter';
import { createLogger } from '../logging/logger';
import { createDispatchHandler } from '../offline/dispatch/dispatch-handler';
import { createPubSubPublisher } from '../offline/dispatch/work-publisher';
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
    sweepOutbox: outboxSweeperFromConfig(loadUserEventsConfig(env), { db, pubsub, logger }),
    config: dispatch,
    collection: firestore.usersCollection,
    now: () => new Date(),
    logger,
  }),
  logger,
);
