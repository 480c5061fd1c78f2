import { type BulkWriter, type DocumentSnapshot, type Firestore, type Query, Timestamp } from '@google-cloud/firestore';
import { randomUUID } from 'node:crypto';
import { leaseRunning, type UserRecord } from '../../users/user-record';

export interface DispatchedUser {
  userId: string;
  /** Must match the user document's `dispatch.id` for a worker to run the user. */
  dispatchId: string;
}

/**
 * A shard of the due index, or the users written before sharding that have none yet: each of
 * those is given one (`assignShard`) in the write that claims it, so an active user leaves the
 * unsharded range within one interval, without waiting for the backfill.
 */
export type DueRange = { shard: number } | { unsharded: true; assignShard: () => number };

export interface ClaimPageOptions {
  collection: string;
  range: DueRange;
  pageSize: number;
  now: Date;
  leaseSeconds: number;
  startAfter: DocumentSnapshot | undefined;
}

export interface ClaimedPage {
  claimed: DispatchedUser[];
  /** Cursor for the next page; undefined when the query is exhausted. */
  last: DocumentSnapshot | undefined;
  /** Due documents read (for `unsharded`, sharded ones are read and left to their shard). */
  read: number;
  /** Users another dispatcher (or a sign-in) changed between our read and our write. */
  lostRaces: number;
  /** The page's first (oldest) `nextRunAt`, when it read any user. */
  oldestDueAt: Date | undefined;
}

/**
 * Reads one page of due users, oldest due first, and claims each with a write conditioned on the
 * document being unchanged since the read. The claim moves `nextRunAt` out of the due window for
 * the lease time, so overlapping or retried dispatcher runs never hand the same user out twice; if
 * no worker ever finishes, the user simply becomes due again when that time passes: delayed,
 * never lost. Claims go through the caller's BulkWriter, whose rate limiter spans the whole run.
 */
export async function claimDuePage(db: Firestore, writer: BulkWriter, options: ClaimPageOptions): Promise<ClaimedPage> {
  let query = dueQuery(db, options).limit(options.pageSize);
  if (options.startAfter) query = query.startAfter(options.startAfter);
  const page = await query.get();
  const claimedAt = Timestamp.fromDate(options.now);
  const holdUntil = Timestamp.fromMillis(options.now.getTime() + options.leaseSeconds * 1000);
  const ours = 'unsharded' in options.range ? page.docs.filter((doc) => doc.get('shard') === undefined) : page.docs;
  // A user due while a worker still holds its lease (a sign-in or a new Picker session asked for a
  // run meanwhile) is left due, not claimed: the worker would skip the claim as lease_held, and the
  // claim would have pushed the time asked for out by the lease time. The run's finish keeps the
  // earlier time, so the next tick after it claims the user.
  const mine = ours.filter((doc) => !leaseRunning(doc.get('lease') as UserRecord['lease'], options.now));

  const outcomes = mine.map(async (doc): Promise<DispatchedUser | undefined> => {
    const dispatchId: string = randomUUID();
    try {
      const shard = 'unsharded' in options.range ? { shard: options.range.assignShard() } : {};
      await writer.update(doc.ref, { nextRunAt: holdUntil, dispatch: { id: dispatchId, at: claimedAt }, ...shard }, { lastUpdateTime: doc.updateTime });
      return { userId: doc.id, dispatchId };
    } catch {
      return undefined;
    }
  });
  await writer.flush();
  const claimed = (await Promise.all(outcomes)).filter((r): r is DispatchedUser => r !== undefined);
  const oldest = ours[0]?.get('nextRunAt') as Timestamp | undefined;
  return { claimed, last: page.docs.at(-1), read: page.size, lostRaces: mine.length - claimed.length, oldestDueAt: oldest?.toDate() };
}

/**
 * `status == "active" AND shard == s AND nextRunAt <= now ORDER BY nextRunAt` (the composite index
 * in infra/firestore.indexes.json). Users without a shard are found by the query of the index the
 * product used before sharding, `(status, nextRunAt)`, which an upgraded database still has.
 */
function dueQuery(db: Firestore, options: ClaimPageOptions): Query {
  const active = db.collection(options.collection).where('status', '==', 'active');
  const ranged = 'shard' in options.range ? active.where('shard', '==', options.range.shard) : active;
  return ranged.where('nextRunAt', '<=', Timestamp.fromDate(options.now)).orderBy('nextRunAt');
}

/**
 * The one BulkWriter of a shard run: its rate limiter holds the run to `claimsPerSecond` across
 * every page (a writer per page would start its limiter afresh each time). Above 500/s it starts
 * at 500 and ramps by half every 5 minutes, Firestore's 500/50/5 rule. A failed claim is a lost
 * race or a transient failure; either way the user stays due for the next tick, so nothing retries.
 */
export function claimWriter(db: Firestore, claimsPerSecond: number): BulkWriter {
  const writer = db.bulkWriter({ throttling: { initialOpsPerSecond: Math.min(claimsPerSecond, 500), maxOpsPerSecond: claimsPerSecond } });
  writer.onWriteError(() => false);
  return writer;
}
