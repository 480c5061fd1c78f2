import type { OutboxSweeper } from '../../events/sweep-outbox';
import type { DueIndex } from '../due-index/due-index';
import { dispatchShard, type ShardResult, type ShardRunDeps } from './dispatch-shard';
import type { ShardPublisher } from './work-publisher';

export interface DispatchDeps extends ShardRunDeps {
  dueIndex: DueIndex;
  /** Set with DISPATCH_TOPIC: a tick fans the shards out as messages instead of claiming them. */
  shardPublisher: ShardPublisher | undefined;
  /** Publishes the user events their functions left unsent (events/sweep-outbox.ts); never throws. */
  sweepOutbox: OutboxSweeper;
}

export type TickResult =
  | { kind: 'fanned_out'; shards: number }
  | { kind: 'claimed'; shards: number; dispatched: number; batches: number; truncated: boolean };

/**
 * One Cloud Scheduler tick. With a dispatch topic it publishes one `{"shard": s}` message per
 * shard, each pushed back to the dispatcher and claimed by its own invocation; without one it
 * claims every shard itself, in parallel, each through its own rate limiter. Beside that, it
 * sweeps the user-event outbox.
 */
export async function dispatchTick(deps: DispatchDeps): Promise<TickResult> {
  const [result] = await Promise.all([dispatchShards(deps), deps.sweepOutbox()]);
  return result;
}

async function dispatchShards(deps: DispatchDeps): Promise<TickResult> {
  const state = await deps.dueIndex.state(deps.config.shards);
  const shards = Array.from({ length: state.shards }, (_, shard) => shard);
  if (deps.shardPublisher) {
    await deps.shardPublisher.publishShards(shards);
    return { kind: 'fanned_out', shards: state.shards };
  }
  // Every shard runs to its end even if one fails; the first failure is then the tick's answer.
  const settled = await Promise.allSettled(shards.map((shard) => dispatchShard(shard, state, deps)));
  const failed = settled.find((s): s is PromiseRejectedResult => s.status === 'rejected');
  if (failed) throw failed.reason;
  const results = settled.map((s) => (s as PromiseFulfilledResult<ShardResult>).value);
  return {
    kind: 'claimed',
    shards: state.shards,
    dispatched: results.reduce((sum, r) => sum + r.dispatched, 0),
    batches: results.reduce((sum, r) => sum + r.batches, 0),
    truncated: results.some((r) => r.truncated),
  };
}
