import type { WriteKind } from './figures';
import type { WriteIndexEffect } from './firestore-indexes';

/** Peak document writes per second across the collection, by what they do. */
export type KindRates = Record<WriteKind, number>;

export interface HotRange {
  /** A sequential index: a timestamp's single-field index, or a composite ending in one. */
  id: string;
  sharded: boolean;
  /** Writes per second into one range of it: the whole index, or one shard's part. */
  writesPerSecond: number;
}

/**
 * Writes per second into each sequential index range: every write kind that moves an entry of
 * the index at its peak rate, divided among the shards when a shard field leads the timestamp.
 * Hottest first.
 */
export function hotRanges(effects: Readonly<Record<WriteKind, WriteIndexEffect>>, rates: KindRates, shards: number): HotRange[] {
  const ranges = new Map<string, HotRange>();
  for (const [kind, effect] of Object.entries(effects) as [WriteKind, WriteIndexEffect][]) {
    for (const index of effect.sequential) {
      const range = ranges.get(index.id) ?? { id: index.id, sharded: index.sharded, writesPerSecond: 0 };
      range.writesPerSecond += rates[kind] / (index.sharded ? shards : 1);
      ranges.set(index.id, range);
    }
  }
  return [...ranges.values()].sort((a, b) => b.writesPerSecond - a.writesPerSecond);
}
