import { type DocumentReference, type Firestore, Timestamp } from '@google-cloud/firestore';
import type { StagedEvent, UserEvents } from '../../events/user-events';
import type { LastPhotoSession, PhotoSessionDoc, SessionCounts } from '../../google-photos/session-store';
import type { UserRecord } from '../../users/user-record';

export interface FinishSessionInput {
  db: Firestore;
  userRef: DocumentReference;
  sessionRef: DocumentReference;
  outcome: 'done' | 'expired';
  counts: SessionCounts;
  events: UserEvents;
  now: Date;
}

/**
 * Records a session's end once: the session's final state, the user's `lastPhotoSession` and the
 * `photos.session_done` / `photos.session_expired` event, in one transaction, then publishes the
 * event. A run that dies before the commit leaves the session open, and the next run finishes it;
 * a session already finished (or deleted by a disconnect) is left alone and emits nothing.
 */
export async function finishSession(input: FinishSessionInput): Promise<boolean> {
  const { db, userRef, sessionRef, outcome, counts, events, now } = input;
  const staged = await db.runTransaction(async (tx): Promise<{ event: StagedEvent | undefined } | undefined> => {
    const [user, session] = await Promise.all([tx.get(userRef), tx.get(sessionRef)]);
    const record = user.data() as UserRecord | undefined;
    const current = session.data() as PhotoSessionDoc | undefined;
    if (!record || record.status !== 'active' || !current || (current.state !== 'open' && current.state !== 'picked')) return undefined;
    const at = Timestamp.fromDate(now);
    const last: LastPhotoSession = { sessionId: current.sessionId, outcome, counts, finishedAt: at };
    const event = events.stage(tx, record.eventSequence, {
      kind: outcome === 'done' ? 'photos.session_done' : 'photos.session_expired',
      userId: userRef.id,
      status: 'active',
      reason: 'photos_picker',
      session: { sessionId: current.sessionId, ...counts },
    }, now);
    tx.update(sessionRef, { state: outcome, counts, finishedAt: at, updatedAt: at });
    tx.update(userRef, { lastPhotoSession: last, ...event?.userFields });
    return { event };
  });
  if (!staged) return false;
  await events.publish(staged.event);
  return true;
}
