import type { Firestore } from '@google-cloud/firestore';
import type { PubSub } from '@google-cloud/pubsub';
import type { Logger } from '../logging/logger';
import type { UserEventsConfig } from './events-config';
import { createMessagePublisher } from './message-publisher';
import { createOutboxSweeper, NO_OUTBOX_SWEEP, type OutboxSweeper } from './sweep-outbox';
import { userEventSource } from './user-event';
import { createUserEvents, USER_EVENTS_OFF, type UserEvents } from './user-events';

export interface UserEventsWiring {
  db: Firestore;
  logger: Logger;
  /** A Pub/Sub client the function already has (the dispatcher's); otherwise one is loaded on the first publish. */
  pubsub?: PubSub;
  now?: () => Date;
}

/** The events of a function that changes users' state, as the configuration asks (off: nothing is staged). */
export function userEventsFromConfig(config: UserEventsConfig, wiring: UserEventsWiring): UserEvents {
  if (config.topic === undefined) return USER_EVENTS_OFF;
  return createUserEvents({ ...collaborators(config.projectId, config.topic, wiring), source: userEventSource(config.projectId) });
}

/** The dispatcher's sweep of the outbox, as the configuration asks (off: there is nothing to sweep). */
export function outboxSweeperFromConfig(config: UserEventsConfig, wiring: UserEventsWiring): OutboxSweeper {
  if (config.topic === undefined) return NO_OUTBOX_SWEEP;
  return createOutboxSweeper(collaborators(config.projectId, config.topic, wiring));
}

function collaborators(projectId: string, topic: string, wiring: UserEventsWiring) {
  return {
    db: wiring.db,
    publisher: createMessagePublisher({ projectId, topic, ...(wiring.pubsub ? { pubsub: wiring.pubsub } : {}) }),
    now: wiring.now ?? (() => new Date()),
    logger: wiring.logger,
  };
}
