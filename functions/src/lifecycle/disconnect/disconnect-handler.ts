import { AppError } from '../../errors/app-error';
import { requireBodyWithin, requireCsrfHeader, requireMethod } from '../../http/request-guards';
import type { HttpHandler } from '../../http/types';
import { storageFailure } from '../../users/storage-failure';
import type { IdTokenVerifier } from '../../google/verify-id-token';
import { authenticateUser } from '../authenticate';
import { type DisconnectDeps, disconnectUser } from './disconnect-user';

export interface DisconnectHandlerDeps extends DisconnectDeps {
  verifyIdToken: IdTokenVerifier;
}

/**
 * `disconnect`: POST, `X-Requested-With`, `Authorization: Bearer <ID token>`; no body needed.
 * Checks run in the order docs/api.md gives; every answer is 200 `{"status": "disconnected"}` once the
 * user is authenticated, however often it is called.
 */
export function createDisconnectHandler(deps: DisconnectHandlerDeps): HttpHandler {
  return async (request) => {
    requireMethod(request, ['POST']);
    requireCsrfHeader(request);
    requireBodyWithin(request);
    const identity = await authenticateUser(request, deps.verifyIdToken);
    const result = await disconnectUser(identity.sub, deps).catch((error: unknown) => {
      throw error instanceof AppError ? error : storageFailure(error);
    });
    deps.logger.info('User disconnected', { userId: identity.sub, changed: result.changed });
    return { status: 200, body: { status: 'disconnected' } };
  };
}
