import { classifyGoogleFailure, readHttpFailure } from './http-failure';

/**
 * What a failed call to a Google REST API (Drive, Photos) means for the caller, as a stable code.
 * Read without keeping the error's message, which can echo request data.
 */
export type ApiFailureCode =
  | 'unauthorized' // 401: the access token was refused
  | 'rate_limited' // 429, or 403 userRateLimitExceeded / rateLimitExceeded
  | 'unavailable' // 5xx, 408, a 403 backendError / internalError, timeouts, refused or reset connections
  | 'not_found' // 404
  | 'storage_full' // 403 storageQuotaExceeded: the user's Google storage is full (an upload, a copy)
  | 'forbidden' // any other 403 (missing scope, ...)
  | 'rejected'; // any other answer: a request Google will never accept as sent

export interface ApiFailure {
  code: ApiFailureCode;
  /** Worth another attempt later (rate_limited, unavailable). */
  transient: boolean;
  httpStatus: number | undefined;
  /** Drive's `errors[0].reason` (`userRateLimitExceeded`), or the canonical `status` (`FAILED_PRECONDITION`). */
  reason: string | undefined;
  retryAfterMs: number | undefined;
  /** The request never left us (http-failure.ts): Google cannot have acted on it. */
  neverSent: boolean;
}

export function classifyApiFailure(error: unknown): ApiFailure {
  const readable = withJsonBody(error);
  const failure = readHttpFailure(readable);
  const transient = classifyGoogleFailure(readable).kind === 'transient';
  return {
    code: codeFor(failure.status, failure.reason, transient),
    transient,
    httpStatus: failure.status,
    reason: failure.reason,
    retryAfterMs: failure.retryAfterMs,
    neverSent: failure.neverSent,
  };
}

/** Drive's 403 reasons that are a refusal to serve now (its other transient 403s are backend errors). */
const RATE_LIMIT_REASONS = new Set(['userRateLimitExceeded', 'rateLimitExceeded']);

/**
 * Drive's 403 reason when the user's storage (shared by Drive, Gmail and Photos) cannot take the
 * file: it lasts until the user frees space or buys more, so it is neither transient nor ours.
 */
const STORAGE_FULL_REASON = 'storageQuotaExceeded';

function codeFor(status: number | undefined, reason: string | undefined, transient: boolean): ApiFailureCode {
  if (status === 401) return 'unauthorized';
  if (transient) return status === 429 || (status === 403 && reason !== undefined && RATE_LIMIT_REASONS.has(reason)) ? 'rate_limited' : 'unavailable';
  if (status === 404) return 'not_found';
  if (status === 403) return reason === STORAGE_FULL_REASON ? 'storage_full' : 'forbidden';
  return 'rejected';
}

/**
 * Downloads ask for `arraybuffer`, and gaxios reads error bodies the same way, so Drive's JSON
 * error (and its rate-limit reason) arrives as bytes. Decode it so every failure reads alike.
 */
function withJsonBody(error: unknown): unknown {
  const response = (error as { response?: { data?: unknown } } | null)?.response;
  const data = response?.data;
  if (!response || !(data instanceof ArrayBuffer || ArrayBuffer.isView(data))) return error;
  const bytes = data instanceof ArrayBuffer ? Buffer.from(data) : Buffer.from(data.buffer, data.byteOffset, data.byteLength);
  try {
    return { response: { ...response, data: JSON.parse(bytes.toString('utf8')) as unknown } };
  } catch {
    return error;
  }
}
