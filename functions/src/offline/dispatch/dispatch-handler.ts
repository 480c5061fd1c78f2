import { AppError } from '../../errors/app-error';
import { requireBodyWithin, requireMethod } from '../../http/request-guards';
import type { HttpHandler, HttpReply } from '../../http/types';
import { withLogContext } from '../../logging/log-context';
import { describeError } from '../../logging/logger';
import { storageFailure } from '../../users/storage-failure';
import { dispatchShard, type ShardResult } from './dispatch-shard';
import { type DispatchRequest, parseDispatchRequest } from './dispatch-request';
import { recordDispatcherRun } from './dispatch-runs';
import { DISPATCHER_SUMMARY, dispatcherSummary } from './dispatch-summary';
import { type DispatchDeps, dispatchTick } from './dispatch-tick';
import { PublishFailedError } from './work-publisher';

interface Outcome {
  reply: HttpReply;
  results: ShardResult[];
  fannedOut?: number;
}

/**
 * `dispatchOfflineWork`: Cloud Scheduler POSTs a tick here with an OIDC token, and the dispatch
 * topic pushes shard messages here with its own; Cloud Run checks both before the request reaches
 * us (the function is deployed without public access). Each invocation that gets as far as
 * running ends with one summary line (dispatch-summary.ts), a failed one too.
 */
export function createDispatchHandler(deps: DispatchDeps): HttpHandler {
  return async (request) => {
    requireMethod(request, ['POST']);
    requireBodyWithin(request);
    const parsed = parseDispatchRequest(request);
    return withLogContext(parsed.kind === 'shard' ? { shard: parsed.shard } : {}, () => invoke(parsed, deps));
  };
}

async function invoke(parsed: DispatchRequest, deps: DispatchDeps): Promise<HttpReply> {
  const trigger = parsed.kind;
  const started = deps.now();
  const elapsedMs = () => deps.now().getTime() - started.getTime();
  const outcome = await (parsed.kind === 'tick' ? tick(deps) : shard(parsed.shard, deps)).catch((error: unknown) => {
    const failure = error instanceof AppError ? error : asUnavailable(error);
    deps.logger.warn('Dispatcher run failed', { summary: DISPATCHER_SUMMARY, trigger, failed: true, errorCode: failure.code, durationMs: elapsedMs() });
    throw failure;
  });
  await recordDispatcherRun(deps.db, deps.collection, {
    trigger,
    at: started,
    results: outcome.results,
    ...(trigger === 'tick' ? { tick: { shards: outcome.fannedOut ?? outcome.results.length, fannedOut: outcome.fannedOut !== undefined } } : {}),
  }).catch((error: unknown) => deps.logger.warn('Could not record the dispatcher run for the fleet report', describeError(error)));
  const summary = dispatcherSummary({ trigger, results: outcome.results, fannedOut: outcome.fannedOut, intervalSeconds: deps.config.intervalSeconds, durationMs: elapsedMs() });
  deps.logger.info(trigger === 'tick' ? 'Dispatcher tick' : 'Shard dispatched', summary);
  return outcome.reply;
}

async function tick(deps: DispatchDeps): Promise<Outcome> {
  const result = await dispatchTick(deps);
  if (result.kind === 'fanned_out') return { reply: { status: 200, body: { shards: result.shards } }, results: [], fannedOut: result.shards };
  const { dispatched, batches, shards, truncated } = result;
  return { reply: { status: 200, body: { dispatched, batches, shards, truncated } }, results: result.results };
}

async function shard(shard: number, deps: DispatchDeps): Promise<Outcome> {
  const state = await deps.dueIndex.state(deps.config.shards);
  if (shard >= state.shards) throw new AppError('invalid_request', `The shard must be a whole number from 0 to ${state.shards - 1}.`);
  const result = await dispatchShard(shard, state, deps);
  const { dispatched, batches, truncated } = result;
  return { reply: { status: 200, body: { shard, dispatched, batches, truncated } }, results: [result] };
}

function asUnavailable(error: unknown): AppError {
  return error instanceof PublishFailedError
    ? new AppError('upstream_unavailable', 'Pub/Sub did not accept the work. The next tick will retry.', { retryAfterSeconds: 30, cause: error })
    : storageFailure(error);
}
