import type { GoogleApiCallError } from '../google/api-call';
import type { ApiFailure } from '../google/api-failure';
import type { JobCursor } from './offline-job';

/**
 * How a job run ended early, as a stable code the worker can act on:
 * - `upstream_unauthorized`: the access token was refused; refresh it once and run again.
 * - `upstream_rate_limited`, `upstream_unavailable`: transient; back off (at least `retryAfterMs`).
 * - `upstream_forbidden`, `upstream_rejected`: Google will not do this as asked (missing scope,
 *   ...); record it and leave the user for the next tick.
 * - `drive_storage_full`: the user's Google storage cannot take what the job makes; only the user
 *   can change that (free space, more storage), so the user comes back after the regular interval.
 * - `job_failed`: anything else; a bug to look at.
 * Work finished before the failure is kept: `resumeCursor` (when set) is where the next run should
 * start, and `summary` counts what was done.
 */
export type OfflineJobErrorCode =
  | 'upstream_unauthorized'
  | 'upstream_rate_limited'
  | 'upstream_unavailable'
  | 'upstream_forbidden'
  | 'upstream_rejected'
  | 'drive_storage_full'
  | 'job_failed';

export interface OfflineJobErrorDetails {
  retryAfterMs?: number;
  httpStatus?: number;
  resumeCursor?: JobCursor;
  summary?: Record<string, number>;
  cause?: unknown;
}

export class OfflineJobError extends Error {
  readonly code: OfflineJobErrorCode;
  readonly retryAfterMs: number | undefined;
  readonly httpStatus: number | undefined;
  readonly resumeCursor: JobCursor | undefined;
  readonly summary: Record<string, number>;

  constructor(code: OfflineJobErrorCode, message: string, details: OfflineJobErrorDetails = {}) {
    super(message, details.cause === undefined ? undefined : { cause: details.cause });
    this.name = 'OfflineJobError';
    this.code = code;
    this.retryAfterMs = details.retryAfterMs;
    this.httpStatus = details.httpStatus;
    this.resumeCursor = details.resumeCursor;
    this.summary = details.summary ?? {};
  }

  get transient(): boolean {
    return this.code === 'upstream_rate_limited' || this.code === 'upstream_unavailable';
  }
}

export function isOfflineJobError(value: unknown): value is OfflineJobError {
  return value instanceof OfflineJobError;
}

const CODE_FOR_API_FAILURE: Readonly<Record<ApiFailure['code'], OfflineJobErrorCode>> = {
  unauthorized: 'upstream_unauthorized',
  rate_limited: 'upstream_rate_limited',
  unavailable: 'upstream_unavailable',
  forbidden: 'upstream_forbidden',
  storage_full: 'drive_storage_full',
  not_found: 'upstream_rejected',
  rejected: 'upstream_rejected',
};

/** Wraps a failed Google API call (Drive, Photos); the message names the operation, never the request. */
export function offlineJobErrorFromCall(
  error: GoogleApiCallError,
  progress: { resumeCursor?: JobCursor; summary?: Record<string, number> },
): OfflineJobError {
  const { failure } = error;
  return new OfflineJobError(CODE_FOR_API_FAILURE[failure.code], error.message, {
    ...(failure.retryAfterMs === undefined ? {} : { retryAfterMs: failure.retryAfterMs }),
    ...(failure.httpStatus === undefined ? {} : { httpStatus: failure.httpStatus }),
    ...progress,
    cause: error,
  });
}
