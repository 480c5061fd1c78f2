import { type Firestore, Timestamp } from '@google-cloud/firestore';
import { drawShard } from '../../../functions/src/offline/due-index/due-index';

/**
 * The due users of one configuration, as the bench wrote them: user `i` is `ids[i]`, in shard
 * `shards[i]`, due since `dueAt[i]` (ms). Kept in memory so every check can say who is missing.
 */
export interface Population {
  readonly collection: string;
  readonly ids: readonly string[];
  readonly shards: Uint8Array;
  readonly dueAt: Float64Array;
  readonly shardCount: number;
  /** User index by id. */
  readonly index: ReadonlyMap<string, number>;
}

export interface SeedResult {
  population: Population;
  seconds: number;
  /** The emulator's write rate with nothing else running against it: BulkWriter, throttling off. */
  writesPerS: number;
}

const HOUR_MS = 3_600_000;

/**
 * Writes `users` active users straight into Firestore, each with a shard drawn as the exchange
 * draws it (uniformly at random, `drawShard`) and a `nextRunAt` spread uniformly over the last
 * hour, so "oldest due first" can be checked. BulkWriter with throttling off: as fast as the
 * emulator takes writes, which makes this the emulator's write rate measured alone.
 */
export async function seedDuePopulation(
  db: Firestore,
  options: { collection: string; users: number; shards: number; random: () => number; now?: number },
): Promise<SeedResult> {
  const now = options.now ?? Date.now();
  const ids: string[] = [];
  const shards = new Uint8Array(options.users);
  const dueAt = new Float64Array(options.users);
  const index = new Map<string, number>();
  for (let i = 0; i < options.users; i += 1) {
    const id = `user-${String(i).padStart(7, '0')}`;
    ids.push(id);
    index.set(id, i);
    shards[i] = drawShard(options.shards, options.random);
    // At least a second in the past, so every user is due for a tick started now.
    dueAt[i] = Math.floor(now - 1_000 - options.random() * (HOUR_MS - 1_000));
  }
  const started = performance.now();
  const writer = db.bulkWriter({ throttling: false });
  for (let i = 0; i < options.users; i += 1) {
    void writer.set(db.collection(options.collection).doc(ids[i]!), {
      userId: ids[i],
      email: `${ids[i]}@example.com`,
      status: 'active',
      scopes: ['openid', 'https://www.googleapis.com/auth/drive.appdata'],
      shard: shards[i],
      nextRunAt: Timestamp.fromMillis(dueAt[i]!),
    });
  }
  await writer.close();
  const seconds = (performance.now() - started) / 1000;
  return {
    population: { collection: options.collection, ids, shards, dueAt, shardCount: options.shards, index },
    seconds,
    writesPerS: options.users / seconds,
  };
}
