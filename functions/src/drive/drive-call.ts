import { GrantRevokedError } from '../google/refresh-access-token';
import { classifyDriveFailure, type DriveFailure } from './drive-failure';

/**
 * A Drive call that failed after the client's own retries, already classified. `operation` names
 * the call (`files.create`), so logs and job errors say what failed without quoting the request.
 */
export class DriveCallError extends Error {
  readonly operation: string;
  readonly failure: DriveFailure;

  constructor(operation: string, failure: DriveFailure, cause: unknown) {
    super(`Drive ${operation} failed (${failure.code}${failure.httpStatus ? `, HTTP ${failure.httpStatus}` : ''})`, { cause });
    this.name = 'DriveCallError';
    this.operation = operation;
    this.failure = failure;
  }
}

export function isDriveCallError(value: unknown): value is DriveCallError {
  return value instanceof DriveCallError;
}

/**
 * Runs one Drive call and turns whatever it throws into a DriveCallError, except a revoked grant:
 * that is the user's state, not a Drive failure, and passes through untouched for the worker.
 */
export async function driveCall<T>(operation: string, call: () => Promise<T>): Promise<T> {
  try {
    return await call();
  } catch (error) {
    if (error instanceof GrantRevokedError) throw error;
    throw new DriveCallError(operation, classifyDriveFailure(error), error);
  }
}
