import type { Population } from './population';
import type { WorkLog } from './work-log';

export interface ShardFigures {
  shard: number;
  users: number;
  /** Claims per second the shard held, from the publish times (`steadyRate`); undefined for a shard of one page. */
  steadyClaimsPerS: number | undefined;
  /**
   * Oldest due first: how far (in users) any user of the shard was published out of its due order,
   * the distance between its rank by due time and its rank by first publication (users published
   * in the same millisecond share their ranks). A shard run claims pages of the oldest due users
   * and publishes each page before reading the next, so this stays under one page.
   */
  maxDisplacement: number;
}

/** Per-shard figures from the first publication of each user (every user must have one). */
export function shardFigures(population: Population, work: WorkLog, pageSize: number): ShardFigures[] {
  const byShard: number[][] = Array.from({ length: population.shardCount }, () => []);
  population.ids.forEach((_, i) => {
    if (work.firstPublished[i]! > 0) byShard[population.shards[i]!]!.push(i);
  });
  return byShard.map((users, shard) => ({
    shard,
    users: users.length,
    steadyClaimsPerS: steadyRate(users.map((i) => work.firstPublished[i]! / 1000), pageSize),
    maxDisplacement: maxDisplacement(
      users.map((i) => population.dueAt[i]!),
      users.map((i) => work.firstPublished[i]!),
    ),
  }));
}

/**
 * The rate a shard run's limiter held, from publish times (s): the users published after the first
 * page over the time from the first page's publication to the last. A shard run publishes each page
 * once its claims are written, so this spans only claims made at the limiter's pace: the first
 * page also gets the bucket's initial second of tokens at once, which a whole-run average would
 * count. The due queries between pages are inside the span (they are part of what a shard holds).
 * Undefined with a single page.
 */
export function steadyRate(times: readonly number[], pageSize: number): number | undefined {
  if (times.length <= pageSize) return undefined;
  const sorted = [...times].sort((a, b) => a - b);
  const span = sorted.at(-1)! - sorted[pageSize - 1]!;
  return span > 0 ? (sorted.length - pageSize) / span : undefined;
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
