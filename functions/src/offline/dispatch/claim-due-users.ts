import { type DocumentSnapshot, type Firestore, Timestamp } from '@google-cloud/firestore';
import { randomUUID } from 'node:crypto';

export interface DispatchedUser {
  userId: string;
  /** Must match the user document's `dispatch.id` for a worker to run the user. */
  dispatchId: string;
}

export interface ClaimPageOptions {
  collection: string;
  pageSize: number;
  now: Date;
  leaseSeconds: number;
  startAfter: DocumentSnapshot | undefined;
}

export interface ClaimedPage {
  claimed: DispatchedUser[];
  /** Cursor for the next page; undefined when the query is exhausted. */
  last: DocumentSnapshot | undefined;
  /** Users another dispatcher (or a sign-in) changed between our read and our write. */
  lostRaces: number;
}

/**
 * Reads one page of due users and claims each with a write conditioned on the document being
 * unchanged since the read. The claim moves `nextRunAt` out of the due window for the lease time,
 * so overlapping or retried dispatcher runs never hand the same user out twice; if no worker ever
 * finishes, the user simply becomes due again when that time passes: delayed, never lost.
 */
export async function claimDuePage(db: Firestore, options: ClaimPageOptions): Promise<ClaimedPage> {
  let query = db
    .collection(options.collection)
    .where('status', '==', 'active')
    .where('nextRunAt', '<=', Timestamp.fromDate(options.now))
    .orderBy('nextRunAt')
    .limit(options.pageSize);
  if (options.startAfter) query = query.startAfter(options.startAfter);
  const page = await query.get();
  const claimedAt = Timestamp.fromDate(options.now);
  const holdUntil = Timestamp.fromMillis(options.now.getTime() + options.leaseSeconds * 1000);

  const writer = db.bulkWriter();
  writer.onWriteError(() => false); // a failed precondition is a lost race, not something to retry
  const outcomes = page.docs.map(async (doc): Promise<DispatchedUser | undefined> => {
    const dispatchId: string = randomUUID();
    try {
      await writer.update(
        doc.ref,
        { nextRunAt: holdUntil, dispatch: { id: dispatchId, at: claimedAt } },
        { lastUpdateTime: doc.updateTime },
      );
      return { userId: doc.id, dispatchId };
    } catch {
      return undefined;
    }
  });
  await writer.close();
  const results = await Promise.all(outcomes);
  const claimed = results.filter((r): r is DispatchedUser => r !== undefined);
  return { claimed, last: page.docs.at(-1), lostRaces: page.size - claimed.length };
}
