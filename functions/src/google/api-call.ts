import { classifyApiFailure, type ApiFailure } from './api-failure';
import { GrantRevokedError } from './refresh-access-token';
import { AccessRefreshError } from './user-auth-client';

/**
 * A call to a Google REST API that failed after the client's own retries, already classified.
 * `api` and `operation` name the call (`Drive`, `files.create`), so logs and job errors say what
 * failed without quoting the request.
 */
export class GoogleApiCallError extends Error {
  readonly api: string;
  readonly operation: string;
  readonly failure: ApiFailure;

  constructor(api: string, operation: string, failure: ApiFailure, cause: unknown) {
    super(`${api} ${operation} failed (${failure.code}${failure.httpStatus ? `, HTTP ${failure.httpStatus}` : ''})`, { cause });
    this.name = 'GoogleApiCallError';
    this.api = api;
    this.operation = operation;
    this.failure = failure;
  }
}

export function isGoogleApiCallError(value: unknown): value is GoogleApiCallError {
  return value instanceof GoogleApiCallError;
}

/**
 * Runs one call and turns whatever it throws into an error made by `wrap`, except a revoked
 * grant (the user's state) and a failed refresh of the access token (not this API's answer): both
 * pass through untouched for the worker.
 */
export async function googleApiCall<T>(call: () => Promise<T>, wrap: (failure: ApiFailure, cause: unknown) => GoogleApiCallError): Promise<T> {
  try {
    return await call();
  } catch (error) {
    if (error instanceof GrantRevokedError || error instanceof AccessRefreshError) throw error;
    throw wrap(classifyApiFailure(error), error);
  }
}
