import { Readable } from 'node:stream';
import { backoffDelayMs } from '../retry/retry';
import { classifyApiFailure } from '../google/api-failure';

/**
 * Drive's retry policy, applied by gaxios inside the client so every job gets it.
 *
 * - Retried: transient failures (network, 408, 429, 5xx, rate-limit 403s) of GET, HEAD, PUT,
 *   DELETE and PATCH whose body can be sent again. PATCH is in because Drive metadata updates
 *   set fixed values (sending the same appProperties twice changes nothing).
 * - Never retried: POST. A create that timed out may have succeeded; only the caller knows when
 *   another is safe (the photo job repeats one only when Drive cannot have made the file, and
 *   otherwise looks for it by `derivedFrom` in the next run: enhance-one.ts). Nor a call its caller aborted
 *   (the worker's hard stop), which no failure class counts as transient (http-failure.ts).
 * - The wait is the larger of Retry-After and capped exponential backoff with jitter. When Drive
 *   asks for more than `maxRetryDelayMs`, the error is surfaced at once so the worker backs the
 *   user off instead of holding an instance.
 */
export interface DriveRetryPolicy {
  maxRetries: number;
  baseDelayMs: number;
  maxRetryDelayMs: number;
}

/** The subset of a GaxiosError the decision reads. */
export interface RetryCandidate {
  config?: { method?: string; data?: unknown; retryConfig?: { currentRetryAttempt?: number } };
  response?: unknown;
}

const IDEMPOTENT_METHODS = new Set(['GET', 'HEAD', 'OPTIONS', 'PUT', 'DELETE', 'PATCH']);

/**
 * `repeatable`: the caller knows this request is safe to send again whatever its method (a POST
 * that only reads, like Photos' mediaItems:search, or an upload whose token is only used if kept).
 */
export function shouldRetryDriveCall(error: RetryCandidate, policy: DriveRetryPolicy, repeatable = false): boolean {
  const attempt = error.config?.retryConfig?.currentRetryAttempt ?? 0;
  if (attempt >= policy.maxRetries) return false;
  const method = (error.config?.method ?? 'GET').toUpperCase();
  if ((!repeatable && !IDEMPOTENT_METHODS.has(method)) || error.config?.data instanceof Readable) return false;
  const failure = classifyApiFailure(error);
  if (!failure.transient) return false;
  return failure.retryAfterMs === undefined || failure.retryAfterMs <= policy.maxRetryDelayMs;
}

/** `attempt` counts from 1 for the first retry. */
export function driveRetryDelayMs(error: RetryCandidate, attempt: number, policy: DriveRetryPolicy, random: () => number): number {
  const backoff = backoffDelayMs(attempt, { maxAttempts: policy.maxRetries + 1, baseDelayMs: policy.baseDelayMs, maxDelayMs: policy.maxRetryDelayMs }, random);
  return Math.max(classifyApiFailure(error).retryAfterMs ?? 0, backoff);
}

/** The `retryConfig` gaxios takes (its own fields, filled by our decisions). */
export function gaxiosRetryConfig(policy: DriveRetryPolicy, random: () => number = Math.random, repeatable = false) {
  return {
    retry: policy.maxRetries,
    noResponseRetries: policy.maxRetries,
    httpMethodsToRetry: repeatable ? [...IDEMPOTENT_METHODS, 'POST'] : [...IDEMPOTENT_METHODS],
    shouldRetry: (error: RetryCandidate) => shouldRetryDriveCall(error, policy, repeatable),
    retryBackoff: async (error: RetryCandidate) => {
      const attempt = error.config?.retryConfig?.currentRetryAttempt ?? 1;
      await new Promise((resolve) => setTimeout(resolve, driveRetryDelayMs(error, attempt, policy, random)));
    },
  };
}
