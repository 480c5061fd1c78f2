import { AppError } from '../errors/app-error';

/**
 * Firestore failed after its own retries (unavailable, deadline, contention). The caller gets a
 * 503 it can retry; the operator gets the gRPC status name in the log, never document contents.
 */
export function storageFailure(cause: unknown): AppError {
  return new AppError('storage_unavailable', 'Storage is not available right now. Try again shortly.', {
    retryAfterSeconds: 5,
    cause,
  });
}
