import { GoogleApiCallError, googleApiCall } from '../google/api-call';
import type { ApiFailure } from '../google/api-failure';

/** A Drive call that failed after the client's own retries (google/api-call.ts). */
export class DriveCallError extends GoogleApiCallError {
  constructor(operation: string, failure: ApiFailure, cause: unknown) {
    super('Drive', operation, failure, cause);
    this.name = 'DriveCallError';
  }
}

export function isDriveCallError(value: unknown): value is DriveCallError {
  return value instanceof DriveCallError;
}

/**
 * Runs one Drive call and turns whatever it throws into a DriveCallError, except a revoked grant:
 * that is the user's state, not a Drive failure, and passes through untouched for the worker.
 */
export function driveCall<T>(operation: string, call: () => Promise<T>): Promise<T> {
  return googleApiCall(call, (failure, cause) => new DriveCallError(operation, failure, cause));
}
