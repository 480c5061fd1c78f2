import { type Firestore, Timestamp } from '@google-cloud/firestore';

/**
 * The due index: users are found by `status == "active" AND shard == s AND nextRunAt <= now`,
 * shard by shard, so the index entries each run moves land in DUE_SHARDS separate ranges instead
 * of one hot range just after "now" (Firestore: about 500 writes/s per sequential range).
 *
 * Its state, one small document per users collection, holds what no single configuration can:
 * - `shards`: the largest DUE_SHARDS ever configured. Lowering DUE_SHARDS only narrows the range
 *   new users draw from; the dispatcher keeps serving every shard that may hold users.
 * - `backfill`: whether every user written before sharding has been given a shard
 *   (`backfillShards`). Until then the dispatcher also serves users without one.
 */
export interface DueIndexState {
  shards: number;
  backfillDone: boolean;
}

interface StoredState {
  shards?: number;
  backfill?: { done: boolean; at: Timestamp };
}

/** A new user's shard. */
export function drawShard(shards: number, random: () => number): number {
  return Math.min(shards - 1, Math.floor(random() * shards));
}

export class DueIndex {
  constructor(
    private readonly db: Firestore,
    private readonly usersCollection: string,
  ) {}

  /** Reads the state, first raising `shards` to `configuredShards` if that is more (one read; a write only when it grows). */
  async state(configuredShards: number): Promise<DueIndexState> {
    const ref = this.ref();
    const stored = ((await ref.get()).data() ?? {}) as StoredState;
    if ((stored.shards ?? 0) >= configuredShards) return toState(stored);
    const raised = await this.db.runTransaction(async (tx) => {
      const current = ((await tx.get(ref)).data() ?? {}) as StoredState;
      const shards = Math.max(current.shards ?? 0, configuredShards);
      if (shards !== current.shards) tx.set(ref, { shards }, { merge: true });
      return { ...current, shards };
    });
    return toState(raised);
  }

  async markBackfillDone(now: Date): Promise<void> {
    await this.ref().set({ backfill: { done: true, at: Timestamp.fromDate(now) } }, { merge: true });
  }

  private ref() {
    return this.db.collection(STATE_COLLECTION).doc(`${this.usersCollection}-due-index`);
  }
}

/** Outside the users collection, so no user query or page ever meets it. */
export const STATE_COLLECTION = 'offlineAccess';

function toState(stored: StoredState): DueIndexState {
  return { shards: stored.shards ?? 0, backfillDone: stored.backfill?.done === true };
}
