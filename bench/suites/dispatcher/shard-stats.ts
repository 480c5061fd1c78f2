import type { Population } from './population';
import type { WorkLog } from './work-log';

export interface ShardFigures {
  shard: number;
  users: number;
  /**
   * Claims per second the shard held, from the publish times: the least-squares slope of its
   * cumulative published users over Pub/Sub's publish time (start and end effects fall out).
   */
  publishSlopePerS: number;
  /**
   * Oldest due first: how far (in users) any user of the shard was published out of its due order,
   * the distance between its rank by due time and its rank by first publication (users published
   * in the same millisecond share their ranks). A shard run claims pages of the oldest due users
   * and publishes each page before reading the next, so this stays under one page.
   */
  maxDisplacement: number;
}

/** Per-shard figures from the first publication of each user (every user must have one). */
export function shardFigures(population: Population, work: WorkLog): ShardFigures[] {
  const byShard: number[][] = Array.from({ length: population.shardCount }, () => []);
  population.ids.forEach((_, i) => {
    if (work.firstPublished[i]! > 0) byShard[population.shards[i]!]!.push(i);
  });
  return byShard.map((users, shard) => ({
    shard,
    users: users.length,
    publishSlopePerS: cumulativeSlope(users.map((i) => work.firstPublished[i]! / 1000)),
    maxDisplacement: maxDisplacement(
      users.map((i) => population.dueAt[i]!),
      users.map((i) => work.firstPublished[i]!),
    ),
  }));
}

/** Slope of (time, cumulative count) by least squares: events per second, robust to a slow start or end. */
export function cumulativeSlope(times: number[]): number {
  if (times.length < 2) return 0;
  const x = [...times].sort((a, b) => a - b);
  const n = x.length;
  const meanX = x.reduce((sum, v) => sum + v, 0) / n;
  const meanY = (n + 1) / 2;
  let num = 0;
  let den = 0;
  x.forEach((v, i) => {
    num += (v - meanX) * (i + 1 - meanY);
    den += (v - meanX) ** 2;
  });
  return den === 0 ? 0 : num / den;
}

/** The largest distance between an item's rank by `due` and its rank (range, over ties) by `published`. */
export function maxDisplacement(due: readonly number[], published: readonly number[]): number {
  const n = due.length;
  const dueRank = new Array<number>(n);
  due
    .map((v, i) => [v, i] as const)
    .sort((p, q) => p[0] - q[0])
    .forEach(([, i], rank) => (dueRank[i] = rank));
  const order = published.map((v, i) => [v, i] as const).sort((p, q) => p[0] - q[0]);
  let worst = 0;
  for (let start = 0; start < n; ) {
    let end = start;
    while (end + 1 < n && order[end + 1]![0] === order[start]![0]) end += 1;
    for (let k = start; k <= end; k += 1) {
      const rank = dueRank[order[k]![1]]!;
      worst = Math.max(worst, start - rank, rank - end);
    }
    start = end + 1;
  }
  return worst;
}
