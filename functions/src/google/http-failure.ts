import { GaxiosError } from 'gaxios';
import { type FailureClass, parseRetryAfter } from '../retry/retry';

/**
 * What a failed call to Google looked like, read from a GaxiosError (or any error) without
 * keeping its message, which can echo request data.
 */
export interface HttpFailure {
  status: number | undefined;
  /** OAuth error (`invalid_grant`) or Google API error reason (`userRateLimitExceeded`). */
  reason: string | undefined;
  retryAfterMs: number | undefined;
  /** No answer at all: refused, reset, timed out. */
  network: boolean;
  /**
   * The request never left us (the connection was refused, the name did not resolve), so nothing
   * can have happened at Google. A timeout or a reset may come after Google acted on it.
   */
  neverSent: boolean;
}

export function readHttpFailure(error: unknown): HttpFailure {
  const response = (error as { response?: { status?: unknown; data?: unknown; headers?: unknown } } | null)?.response;
  const status = typeof response?.status === 'number' ? response.status : undefined;
  const network = status === undefined && isTransportFailure(error);
  return {
    status,
    reason: reasonOf(response?.data),
    retryAfterMs: parseRetryAfter(headerValue(response?.headers, 'retry-after')),
    network,
    neverSent: network && neverSentCode(error) !== undefined,
  };
}

/** Failures that happen before a request leaves us. */
const NEVER_SENT_CODES = new Set(['ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN']);

/** The system error code along the `cause` chain (gaxios wraps fetch's TypeError, which wraps Node's error). */
function neverSentCode(error: unknown): string | undefined {
  for (let current = error, depth = 0; current && depth < 4; current = (current as { cause?: unknown }).cause, depth += 1) {
    const code = (current as { code?: unknown }).code;
    if (typeof code === 'string' && NEVER_SENT_CODES.has(code)) return code;
  }
  return undefined;
}

// `TimeoutError` is the code gaxios gives its own per-attempt timeout.
const TRANSPORT_CODES = new Set(['TimeoutError', 'ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EPIPE', 'ENOTFOUND', 'EAI_AGAIN', 'UND_ERR_SOCKET']);

/** A request that got no answer (refused, reset, timed out) rather than a bug in our own code. */
function isTransportFailure(error: unknown): boolean {
  if (!(error instanceof Error)) return false;
  // gaxios wraps every failure without a response (refused, reset, aborted by its timeout).
  if (error instanceof GaxiosError) return true;
  if (error.name === 'AbortError' || error.name === 'TimeoutError' || error.message === 'fetch failed') return true;
  if ((error.cause as { name?: unknown } | undefined)?.name === 'TimeoutError') return true;
  const code = (error as { code?: unknown }).code ?? (error.cause as { code?: unknown } | undefined)?.code;
  return typeof code === 'string' && TRANSPORT_CODES.has(code);
}

function reasonOf(data: unknown): string | undefined {
  if (!data || typeof data !== 'object') return undefined;
  const error = (data as { error?: unknown }).error;
  if (typeof error === 'string') return error;
  const body = error as { errors?: { reason?: unknown }[]; status?: unknown } | undefined;
  const first = body?.errors?.[0]?.reason;
  if (typeof first === 'string') return first;
  // Newer APIs (Photos) answer google.rpc.Status only: its canonical code name is the reason.
  return typeof body?.status === 'string' ? body.status : undefined;
}

function headerValue(headers: unknown, name: string): string | undefined {
  if (!headers) return undefined;
  if (typeof (headers as Headers).get === 'function') return (headers as Headers).get(name) ?? undefined;
  const value = (headers as Record<string, unknown>)[name];
  return typeof value === 'string' ? value : undefined;
}

const TRANSIENT_REASONS = new Set(['userRateLimitExceeded', 'rateLimitExceeded', 'backendError', 'internalError']);

/**
 * A call its caller aborted (the worker's hard stop): gaxios marks it `AbortError`, where its own
 * per-attempt timeout is `TimeoutError`, a network failure like any other.
 */
export function isCallerAbort(error: unknown): boolean {
  return (error as { code?: unknown } | null)?.code === 'AbortError';
}

/**
 * Network failures, 408, 429, 5xx and Drive's rate-limit 403s are worth another try; the rest are
 * not, nor is a call its caller aborted (isCallerAbort).
 */
export function classifyGoogleFailure(error: unknown): FailureClass {
  if (isCallerAbort(error)) return { kind: 'permanent' };
  const failure = readHttpFailure(error);
  const transient =
    failure.network ||
    failure.status === 408 ||
    failure.status === 429 ||
    (failure.status !== undefined && failure.status >= 500) ||
    (failure.status === 403 && failure.reason !== undefined && TRANSIENT_REASONS.has(failure.reason));
  if (!transient) return { kind: 'permanent' };
  return failure.retryAfterMs === undefined ? { kind: 'transient' } : { kind: 'transient', retryAfterMs: failure.retryAfterMs };
}
