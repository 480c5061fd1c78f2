import { type DocumentReference, FieldValue, type Firestore, Timestamp } from '@google-cloud/firestore';
import { grpcCodeName, grpcCodeOf } from '../tokens/grpc-codes';
import type { MessagePublisher } from './message-publisher';
import { type UserCloudEvent, userEventAttributes } from './user-event';

/**
 * The outbox: one document per event, written in the same Firestore write or transaction as the
 * state change it describes, so an event exists exactly when its change does. It is published
 * from here and marked sent once Pub/Sub has accepted it; a sent entry expires (TTL on
 * `expireAt`, infra/firestore.indexes.json), an unsent one never does.
 *
 * Indexing: the sweep finds unsent entries by the equality `unsent == true`, whose index entries
 * are ordered by the (random) document id, so the collection has no ever-increasing indexed
 * value and no write hotspot; the timestamps and the body are exempt from indexing.
 */
export const USER_EVENTS_COLLECTION = 'userEvents';
/** How long a sent entry is kept (for an operator's look back), then Firestore's TTL deletes it. */
export const SENT_RETENTION_DAYS = 7;

export interface OutboxEntry {
  userId: string;
  /** The CloudEvent JSON, published byte for byte however often it is published. */
  body: string;
  /** Present, and true, until Pub/Sub has accepted the event. */
  unsent?: true;
  /** When the entry was written, then when a sweep last took it on. */
  attemptAt: Timestamp;
  sentAt?: Timestamp;
  expireAt?: Timestamp;
}

export function outboxCollection(db: Firestore) {
  return db.collection(USER_EVENTS_COLLECTION);
}

export function newOutboxEntry(event: UserCloudEvent, body: string, now: Date): OutboxEntry {
  return { userId: event.subject, body, unsent: true, attemptAt: Timestamp.fromDate(now) };
}

export type PublishResult =
  | { outcome: 'sent' }
  /** `failure`: the error's name and gRPC status, never its message. */
  | { outcome: 'publish_failed' | 'published_unmarked'; failure: { errorName: string; grpcStatus: string } };

/**
 * Publishes one entry's event and marks it sent. Never throws: an entry that could not be
 * published stays unsent for the dispatcher's sweep; one published but not marked may be
 * published once more by a sweep, with the same id (consumers see it as a redelivery).
 */
export async function publishEntry(
  ref: DocumentReference,
  body: string,
  event: Pick<UserCloudEvent, 'type' | 'id' | 'subject'>,
  publisher: MessagePublisher,
  now: () => Date,
): Promise<PublishResult> {
  try {
    await publisher.publish(body, userEventAttributes(event));
  } catch (error) {
    return { outcome: 'publish_failed', failure: describeFailure(error) };
  }
  try {
    const sentAt = now();
    await ref.update({
      unsent: FieldValue.delete(),
      sentAt: Timestamp.fromDate(sentAt),
      expireAt: Timestamp.fromMillis(sentAt.getTime() + SENT_RETENTION_DAYS * 86_400_000),
    });
    return { outcome: 'sent' };
  } catch (error) {
    return { outcome: 'published_unmarked', failure: describeFailure(error) };
  }
}

function describeFailure(error: unknown): { errorName: string; grpcStatus: string } {
  return { errorName: error instanceof Error ? error.name : typeof error, grpcStatus: grpcCodeName(grpcCodeOf(error)) };
}
