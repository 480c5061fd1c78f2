import type { BulkWriter, DocumentSnapshot, Firestore } from '@google-cloud/firestore';
import type { DispatchConfig } from '../../config/offline-config';
import type { Logger } from '../../logging/logger';
import { drawShard, type DueIndexState } from '../due-index/due-index';
import { claimDuePage, claimWriter, type DispatchedUser, type DueRange } from './claim-due-users';
import type { WorkPublisher } from './work-publisher';

export interface ShardRunDeps {
  db: Firestore;
  publisher: WorkPublisher;
  config: DispatchConfig;
  collection: string;
  now: () => Date;
  /** Draws the shards of users claimed from the unsharded range; default Math.random. */
  random?: () => number;
  logger: Logger;
}

export interface ShardResult {
  shard: number;
  dispatched: number;
  batches: number;
  /** True when the run's user or time budget stopped it with users still due: the next tick carries on. */
  truncated: boolean;
  lostRaces: number;
  /** How long the oldest user the run found had been due when the run started (0: nobody due). */
  oldestDueSeconds: number;
  durationMs: number;
}

interface Run {
  readonly writer: BulkWriter;
  readonly started: Date;
  readonly deadline: number;
  dispatched: number;
  batches: number;
  lostRaces: number;
  oldestDueAt: Date | undefined;
}

/**
 * One shard run: claims the shard's due users, oldest due first, page by page through one rate
 * limiter (DISPATCH_SHARD_RATE claims/s), and streams them to the workers' topic in batches as
 * each page is claimed, so memory stays at one page whatever the backlog. Stops at
 * MAX_USERS_PER_RUN or DISPATCH_BUDGET_SECONDS. Shard 0 also serves the users written before
 * sharding until the backfill says none are left. The caller logs the run's summary line.
 */
export async function dispatchShard(shard: number, state: DueIndexState, deps: ShardRunDeps): Promise<ShardResult> {
  const started = deps.now();
  const run: Run = {
    writer: claimWriter(deps.db, deps.config.shardRate),
    started,
    deadline: started.getTime() + deps.config.runBudgetSeconds * 1000,
    dispatched: 0,
    batches: 0,
    lostRaces: 0,
    oldestDueAt: undefined,
  };
  const unsharded: DueRange = { unsharded: true, assignShard: () => drawShard(state.shards, deps.random ?? Math.random) };
  const ranges: DueRange[] = shard === 0 && !state.backfillDone ? [{ shard }, unsharded] : [{ shard }];
  let truncated = false;
  try {
    for (const range of ranges) {
      truncated = await claimRange(range, run, deps).catch((error: unknown) => {
        if ('shard' in range || !isMissingIndex(error)) throw error;
        // Only a database deployed before sharding has the (status, nextRunAt) index, and only such
        // a database can hold users without a shard: a new one has neither.
        deps.logger.warn('No (status, nextRunAt) index, so no users without a shard; backfillShards records that', { shard });
        return false;
      });
      if (truncated) break;
    }
  } finally {
    await run.writer.close();
  }
  const oldestDueMs = run.oldestDueAt ? Math.max(0, started.getTime() - run.oldestDueAt.getTime()) : 0;
  return {
    shard,
    dispatched: run.dispatched,
    batches: run.batches,
    truncated,
    lostRaces: run.lostRaces,
    oldestDueSeconds: Math.round(oldestDueMs / 1000),
    durationMs: deps.now().getTime() - started.getTime(),
  };
}

/** Claims one range to its end or the run's budget; true when the budget stopped it. */
async function claimRange(range: DueRange, run: Run, deps: ShardRunDeps): Promise<boolean> {
  let cursor: DocumentSnapshot | undefined;
  for (;;) {
    const remaining = deps.config.maxUsersPerRun - run.dispatched;
    if (remaining <= 0 || deps.now().getTime() >= run.deadline) return true;
    const pageSize = Math.min(deps.config.pageSize, remaining);
    const page = await claimDuePage(deps.db, run.writer, {
      collection: deps.collection,
      range,
      pageSize,
      now: run.started,
      leaseSeconds: deps.config.leaseSeconds,
      startAfter: cursor,
    });
    run.batches += await publishInBatches(deps.publisher, page.claimed, deps.config.batchSize);
    run.dispatched += page.claimed.length;
    run.lostRaces += page.lostRaces;
    if (page.oldestDueAt && (!run.oldestDueAt || page.oldestDueAt < run.oldestDueAt)) run.oldestDueAt = page.oldestDueAt;
    if (page.read < pageSize || !page.last) return false;
    cursor = page.last;
  }
}

async function publishInBatches(publisher: WorkPublisher, users: DispatchedUser[], batchSize: number): Promise<number> {
  const publishes: Promise<string>[] = [];
  for (let i = 0; i < users.length; i += batchSize) publishes.push(publisher.publish(users.slice(i, i + batchSize)));
  await Promise.all(publishes);
  return publishes.length;
}

/** gRPC FAILED_PRECONDITION on a query: "The query requires an index". */
function isMissingIndex(error: unknown): boolean {
  return (error as { code?: unknown }).code === 9;
}
