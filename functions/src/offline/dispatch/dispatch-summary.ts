import type { LogFields } from '../../logging/logger';
import type { ShardResult } from './dispatch-shard';

export const DISPATCHER_SUMMARY = 'dispatcher';

export interface DispatcherRun {
  /** `tick`: Cloud Scheduler's; `shard`: one shard message from the dispatch topic (or an operator). */
  trigger: 'tick' | 'shard';
  /** The shard runs this invocation made itself (none when a tick only fanned the shards out). */
  results: readonly ShardResult[];
  /** Shard messages a tick published. */
  fannedOut?: number;
  intervalSeconds: number;
  durationMs: number;
}

/**
 * The one summary line of a dispatcher invocation (`summary: "dispatcher"`), the line the
 * log-based metrics in infra/monitoring/ are built on: shards, users dispatched, whether a budget
 * stopped a shard with users still due, and how far behind the oldest due user was, in seconds
 * and in OFFLINE_WORK_INTERVALs.
 */
export function dispatcherSummary(run: DispatcherRun): LogFields {
  const oldestDueSeconds = Math.max(0, ...run.results.map((r) => r.oldestDueSeconds));
  const truncatedShards = run.results.filter((r) => r.truncated).map((r) => r.shard);
  const dispatched = sum(run.results, 'dispatched');
  const seconds = run.durationMs / 1000;
  return {
    summary: DISPATCHER_SUMMARY,
    trigger: run.trigger,
    shards: run.results.map((r) => r.shard),
    ...(run.fannedOut !== undefined ? { fannedOut: run.fannedOut } : {}),
    dispatched,
    batches: sum(run.results, 'batches'),
    truncated: truncatedShards.length > 0,
    truncatedShards,
    lostRaces: sum(run.results, 'lostRaces'),
    claimsPerSecond: seconds > 0 ? Math.round(dispatched / seconds) : dispatched,
    oldestDueSeconds,
    behindIntervals: Math.round((oldestDueSeconds / run.intervalSeconds) * 100) / 100,
    durationMs: run.durationMs,
  };
}

function sum(results: readonly ShardResult[], key: 'dispatched' | 'batches' | 'lostRaces'): number {
  return results.reduce((total, r) => total + r[key], 0);
}
