import { randomUUID } from 'node:crypto';
import type { DocumentReference, Firestore } from '@google-cloud/firestore';
import type { Logger } from '../logging/logger';
import type { MessagePublisher } from './message-publisher';
import { newOutboxEntry, type OutboxEntry, outboxCollection, publishEntry } from './outbox';
import { buildUserEvent, type UserChange, type UserCloudEvent } from './user-event';

/** A transaction or a write batch: the event's outbox entry joins the state change's own write. */
export interface OutboxWrites {
  create(ref: DocumentReference, data: OutboxEntry): unknown;
}

/** An event recorded in a write that has not committed yet. */
export interface StagedEvent {
  readonly ref: DocumentReference;
  readonly body: string;
  readonly event: UserCloudEvent;
  /** To set on the user's document in the same write: the user's event counter. */
  readonly userFields: { eventSequence: number };
}

/**
 * How the functions that change a user's offline state emit its event: `stage` inside the
 * write (transaction or batch) that makes the change, then, once that write has committed,
 * `publish`. A write that fails or retries leaves no event behind: a transaction's attempts each
 * stage their own entry, and only the committed attempt's entry exists.
 */
export interface UserEvents {
  /**
   * Adds the change's outbox entry to `writes` and returns it, with `eventSequence` (the user's
   * previous one plus one) for the user's document. Undefined when events are off.
   */
  stage(writes: OutboxWrites, previousSequence: number | undefined, change: UserChange, now: Date): StagedEvent | undefined;
  /** Publishes committed events (within seconds) and marks them sent. Never throws: the sweep catches up. */
  publish(staged: StagedEvent | undefined): Promise<void>;
}

export interface UserEventsDeps {
  db: Firestore;
  publisher: MessagePublisher;
  /** `//offline-access/projects/<project>` (user-event.ts). */
  source: string;
  now: () => Date;
  logger: Logger;
}

export function createUserEvents(deps: UserEventsDeps): UserEvents {
  const outbox = outboxCollection(deps.db);
  return {
    stage(writes, previousSequence, change, now) {
      const ref = outbox.doc(randomUUID());
      const sequence = (previousSequence ?? 0) + 1;
      const event = buildUserEvent(change, { id: ref.id, sequence, time: now, source: deps.source });
      const body = JSON.stringify(event);
      writes.create(ref, newOutboxEntry(event, body, now));
      return { ref, body, event, userFields: { eventSequence: sequence } };
    },
    async publish(staged) {
      if (!staged) return;
      const { event } = staged;
      const fields = { eventId: event.id, eventType: event.type, userId: event.subject, sequence: event.data.sequence };
      const result = await publishEntry(staged.ref, staged.body, event, deps.publisher, deps.now);
      if (result.outcome === 'sent') deps.logger.info('User event published', fields);
      else if (result.outcome === 'publish_failed') {
        deps.logger.warn('A user event could not be published now; the next dispatcher tick publishes it', { ...fields, ...result.failure });
      } else {
        deps.logger.warn('A user event was published but not marked sent; a dispatcher tick may publish it again, with the same id', { ...fields, ...result.failure });
      }
    },
  };
}

/** USER_EVENTS_TOPIC set to an empty string: nothing is staged, so no outbox entry and no sequence. */
export const USER_EVENTS_OFF: UserEvents = {
  stage: () => undefined,
  publish: async () => {},
};
