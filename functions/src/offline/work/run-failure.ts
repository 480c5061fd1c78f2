import { isOfflineJobError } from '../../jobs/offline-job-error';
import { classifyGoogleFailure, readHttpFailure } from '../../google/http-failure';
import { keyFailureCode } from '../../tokens/key-failure';
import { isVaultError } from '../../tokens/vault-error';
import { RetriesExhaustedError } from '../../retry/retry';

/** Stable codes recorded as a user's `lastError` (documented in docs/offline-work.md). */
export type RunErrorCode =
  | 'reauth_required'
  | 'upstream_unavailable'
  | 'upstream_rate_limited'
  | 'upstream_unauthorized'
  | 'upstream_forbidden'
  | 'upstream_rejected'
  | 'drive_storage_full'
  | 'oauth_client_misconfigured'
  | 'key_unavailable'
  | 'key_misconfigured'
  | 'token_unreadable'
  | 'storage_unavailable'
  | 'job_failed';

export interface RunFailure {
  code: RunErrorCode;
  retryAfterMs: number | undefined;
}

/** Failures only an operator can fix: retrying sooner than the user's next regular run cannot help. */
export const WAITS_FOR_OPERATOR: ReadonlySet<RunErrorCode> = new Set(['key_misconfigured', 'oauth_client_misconfigured']);

/**
 * Failures only the user can end (their Google storage is full): not a fault of the service, so
 * logged as information; the job that met one stops, the user's other jobs still run, and the
 * user is not retried before the next regular run (run-user.ts). Also the `reason` of the
 * work_paused / work_resumed events.
 */
export type UserWaitCode = 'drive_storage_full';

const WAITS_FOR_USER: ReadonlySet<string> = new Set(['drive_storage_full'] satisfies UserWaitCode[]);

export function isUserWait(code: unknown): code is UserWaitCode {
  return typeof code === 'string' && WAITS_FOR_USER.has(code);
}

const CLIENT_PROBLEMS = new Set(['invalid_client', 'unauthorized_client']);

/** Reads what went wrong in a user's run, whatever threw it, into a stable code. */
export function describeRunFailure(error: unknown): RunFailure {
  if (isOfflineJobError(error)) return { code: error.code, retryAfterMs: error.retryAfterMs };
  if (isVaultError(error)) {
    return { code: error.code === 'decrypt_failed' ? 'token_unreadable' : keyFailureCode(error), retryAfterMs: undefined };
  }
  if (error instanceof RetriesExhaustedError) return { code: 'upstream_unavailable', retryAfterMs: error.retryAfterMs };
  // Google refusing our OAuth client (a wrong client ID or secret), for every user alike.
  if (CLIENT_PROBLEMS.has(readHttpFailure(error).reason ?? '')) return { code: 'oauth_client_misconfigured', retryAfterMs: undefined };
  // Firestore's errors carry a numeric gRPC code; gaxios puts the HTTP status in `code` too.
  const { code: grpcCode, response } = error as { code?: unknown; response?: unknown };
  if (typeof grpcCode === 'number' && response === undefined) return { code: 'storage_unavailable', retryAfterMs: undefined };
  const failure = classifyGoogleFailure(error);
  if (failure.kind === 'transient') return { code: 'upstream_unavailable', retryAfterMs: failure.retryAfterMs };
  if (response !== undefined) return { code: 'upstream_rejected', retryAfterMs: undefined };
  return { code: 'job_failed', retryAfterMs: undefined };
}
