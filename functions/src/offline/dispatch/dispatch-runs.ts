import { type Firestore, Timestamp } from '@google-cloud/firestore';
import { STATE_COLLECTION } from '../due-index/due-index';
import type { ShardResult } from './dispatch-shard';

/**
 * The last run of each shard and the last tick, one small document each beside the due index's
 * state (outside the users collection): what the fleet report shows as "the last dispatcher
 * runs" without reading any log. One write per shard run, to that shard's own document.
 */
export interface RecordedRun {
  at: Date;
  trigger: 'tick' | 'shard';
  dispatched: number;
  truncated: boolean;
  oldestDueSeconds: number;
  durationMs: number;
}

export interface RecordedTick {
  at: Date;
  /** Shard messages published (fan-out), or shards claimed by the tick itself. */
  shards: number;
  fannedOut: boolean;
}

interface StoredRun extends Omit<RecordedRun, 'at'> {
  at: Timestamp;
}

const shardDoc = (db: Firestore, users: string, shard: number) => db.collection(STATE_COLLECTION).doc(`${users}-dispatch-shard-${shard}`);
const tickDoc = (db: Firestore, users: string) => db.collection(STATE_COLLECTION).doc(`${users}-dispatch-tick`);

export async function recordDispatcherRun(
  db: Firestore,
  users: string,
  run: { trigger: 'tick' | 'shard'; at: Date; results: readonly ShardResult[]; tick?: Omit<RecordedTick, 'at'> },
): Promise<void> {
  const batch = db.batch();
  const at = Timestamp.fromDate(run.at);
  for (const r of run.results) {
    const stored: StoredRun = { at, trigger: run.trigger, dispatched: r.dispatched, truncated: r.truncated, oldestDueSeconds: r.oldestDueSeconds, durationMs: r.durationMs };
    batch.set(shardDoc(db, users, r.shard), stored);
  }
  if (run.tick) batch.set(tickDoc(db, users), { at, ...run.tick });
  await batch.commit();
}

/** The last recorded run of shards 0…shards-1 (undefined for a shard never run), and the last tick. */
export async function readDispatcherRuns(db: Firestore, users: string, shards: number): Promise<{ shards: (RecordedRun | undefined)[]; tick: RecordedTick | undefined }> {
  const refs = [tickDoc(db, users), ...Array.from({ length: shards }, (_, s) => shardDoc(db, users, s))];
  const [tick, ...runs] = await db.getAll(...refs);
  const tickData = tick?.data() as (Omit<RecordedTick, 'at'> & { at: Timestamp }) | undefined;
  return {
    tick: tickData ? { ...tickData, at: tickData.at.toDate() } : undefined,
    shards: runs.map((doc) => {
      const data = doc.data() as StoredRun | undefined;
      return data ? { ...data, at: data.at.toDate() } : undefined;
    }),
  };
}
