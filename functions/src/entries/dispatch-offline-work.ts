/** Deployed function `dispatchOfflineWork` (HTTP, invoked by Cloud Scheduler): wiring only. */
import { PubSub } from '@google-cloud/pubsub';
import { loadDispatchConfig, loadFirestoreConfig } from '../config';
import { toHttpFunction } from '../http/framework-adapter';
import { createLogger } from '../logging/logger';
import { createDispatchHandler } from '../offline/dispatch/dispatch-handler';
import { createPubSubPublisher } from '../offline/dispatch/work-publisher';
import { createFirestore } from '../wiring/firestore';

const env = process.env;
const firestore = loadFirestoreConfig(env);
const dispatch = loadDispatchConfig(env);
const logger = createLogger({ function: 'dispatchOfflineWork' });

export const dispatchOfflineWork = toHttpFunction(
  createDispatchHandler({
    db: createFirestore(firestore),
    publisher: createPubSubPublisher(new PubSub({ projectId: firestore.projectId }), dispatch.topic),
    config: dispatch,
    collection: firestore.usersCollection,
    now: () => new Date(),
    logger,
  }),
  logger,
);
