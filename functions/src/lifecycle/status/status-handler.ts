import { AppError } from '../../errors/app-error';
import { requireMethod } from '../../http/request-guards';
import type { HttpHandler } from '../../http/types';
import { storageFailure } from '../../users/storage-failure';
import type { IdTokenVerifier } from '../../google/verify-id-token';
import { authenticateUser } from '../authenticate';
import { type OfflineStatusDeps, readOfflineStatus } from './offline-status';

export interface StatusHandlerDeps extends OfflineStatusDeps {
  verifyIdToken: IdTokenVerifier;
}

/**
 * `offlineStatus`: GET with `Authorization: Bearer <ID token>`. No X-Requested-With: a GET changes
 * nothing, and without a CORS grant no other site can read the answer.
 */
export function createStatusHandler(deps: StatusHandlerDeps): HttpHandler {
  return async (request) => {
    requireMethod(request, ['GET']);
    const identity = await authenticateUser(request, deps.verifyIdToken);
    const status = await readOfflineStatus(identity.sub, deps).catch((error: unknown) => {
      throw error instanceof AppError ? error : storageFailure(error);
    });
    return { status: 200, body: status };
  };
}
