import { AppError } from '../../errors/app-error';
import type { OutboxSweeper } from '../../events/sweep-outbox';
import { requireBodyWithin, requireMethod } from '../../http/request-guards';
import type { HttpHandler } from '../../http/types';
import { storageFailure } from '../../users/storage-failure';
import { type DispatchDeps, dispatchOfflineWork } from './dispatch-offline-work';
import { PublishFailedError } from './work-publisher';

/**
 * `dispatchOfflineWork`: Cloud Scheduler POSTs here with an OIDC token, which Cloud Run checks
 * before the request reaches us (the function is deployed without public access).
 */
export function createDispatchHandler(deps: DispatchDeps & { sweepOutbox: OutboxSweeper }): HttpHandler {
  return async (request) => {
    requireMethod(request, ['POST']);
    requireBodyWithin(request); // the body is ignored, but nobody gets to make us buffer a large one
    await deps.sweepOutbox(); // user events their functions left unsent (events/sweep-outbox.ts); never throws
    const result = await dispatchOfflineWork(deps).catch((error: unknown) => {
      throw error instanceof PublishFailedError
        ? new AppError('upstream_unavailable', 'Pub/Sub did not accept the work. The next tick will retry.', { retryAfterSeconds: 30, cause: error })
        : storageFailure(error);
    });
    deps.logger.info('Dispatched offline work', { ...result });
    return { status: 200, body: { dispatched: result.dispatched, batches: result.batches } };
  };
}
