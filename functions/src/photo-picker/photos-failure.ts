import { AppError } from '../errors/app-error';
import { GrantRevokedError } from '../google/refresh-access-token';
import { AccessRefreshError } from '../google/user-auth-client';
import { isPhotosCallError } from '../google-photos/photos-http';
import type { Logger } from '../logging/logger';
import { signInAgain } from '../users/request-access';

/** Seconds the app is asked to wait when Google Photos is down and said nothing. */
export const PHOTOS_RETRY_AFTER_SECONDS = 5;

/**
 * A failure to reach the Picker API as the user, as the app sees it (never the token, the request
 * or Google's message):
 * - transient (network, 408, 429, 5xx): 503 `upstream_unavailable`, Retry-After as Google asked, else 5 s;
 * - a revoked grant, or a token refused even after a refresh: 409 `reauth_required`;
 * - FAILED_PRECONDITION (the account has no Google Photos): 409 `no_photos_account`;
 * - any other refusal (e.g. the Picker API not enabled for the project): 500 `internal`, at ERROR;
 * - an AppError (the token key, Google's token endpoint, storage) as it is, also when it failed the
 *   refresh a refused token asked for; anything else unchanged (a bug).
 */
export function photosFailure(error: unknown, logger: Logger): unknown {
  if (error instanceof AccessRefreshError) return photosFailure(error.cause, logger);
  if (error instanceof AppError) return error;
  if (error instanceof GrantRevokedError) return signInAgain();
  if (isPhotosCallError(error)) {
    const { failure } = error;
    if (failure.transient) {
      const wait = failure.retryAfterMs === undefined ? PHOTOS_RETRY_AFTER_SECONDS : Math.ceil(failure.retryAfterMs / 1000);
      return new AppError('upstream_unavailable', 'Google Photos is not answering right now. Try again shortly.', {
        retryAfterSeconds: Math.max(1, wait),
        cause: error,
      });
    }
    // Refused even with a freshly refreshed token.
    if (failure.code === 'unauthorized') return signInAgain(error);
    if (failure.reason === 'FAILED_PRECONDITION') {
      return new AppError('no_photos_account', 'This Google account has no active Google Photos account.', { cause: error });
    }
    logger.error('Google Photos refused to create a picker session', {
      errorCode: failure.code,
      httpStatus: failure.httpStatus,
      reason: failure.reason,
    });
    return new AppError('internal', 'Google Photos refused the request; the operator has been alerted.', { cause: error, operatorAlerted: true });
  }
  // Our own bug: the HTTP adapter reports it (500 internal, with its stack).
  return error;
}
