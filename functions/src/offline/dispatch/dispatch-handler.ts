import { AppError } from '../../errors/app-error';
import { requireBodyWithin, requireMethod } from '../../http/request-guards';
import type { HttpHandler, HttpReply } from '../../http/types';
import { storageFailure } from '../../users/storage-failure';
import { dispatchShard } from './dispatch-shard';
import { parseDispatchRequest } from './dispatch-request';
import { type DispatchDeps, dispatchTick } from './dispatch-tick';
import { PublishFailedError } from './work-publisher';

/**
 * `dispatchOfflineWork`: Cloud Scheduler POSTs a tick here with an OIDC token, and the dispatch
 * topic pushes shard messages here with its own; Cloud Run checks both before the request reaches
 * us (the function is deployed without public access).
 */
export function createDispatchHandler(deps: DispatchDeps): HttpHandler {
  return async (request) => {
    requireMethod(request, ['POST']);
    requireBodyWithin(request);
    const parsed = parseDispatchRequest(request);
    return (parsed.kind === 'tick' ? tick(deps) : shard(parsed.shard, deps)).catch((error: unknown) => {
      throw error instanceof AppError ? error : asUnavailable(error);
    });
  };
}

async function tick(deps: DispatchDeps): Promise<HttpReply> {
  const result = await dispatchTick(deps);
  deps.logger.info('Dispatcher tick', { ...result });
  if (result.kind === 'fanned_out') return { status: 200, body: { shards: result.shards } };
  const { dispatched, batches, shards, truncated } = result;
  return { status: 200, body: { dispatched, batches, shards, truncated } };
}

async function shard(shard: number, deps: DispatchDeps): Promise<HttpReply> {
  const state = await deps.dueIndex.state(deps.config.shards);
  if (shard >= state.shards) throw new AppError('invalid_request', `The shard must be a whole number from 0 to ${state.shards - 1}.`);
  const { dispatched, batches, truncated } = await dispatchShard(shard, state, deps);
  return { status: 200, body: { shard, dispatched, batches, truncated } };
}

function asUnavailable(error: unknown): AppError {
  return error instanceof PublishFailedError
    ? new AppError('upstream_unavailable', 'Pub/Sub did not accept the work. The next tick will retry.', { retryAfterSeconds: 30, cause: error })
    : storageFailure(error);
}
