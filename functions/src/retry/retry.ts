/**
 * Capped exponential backoff with full jitter, honouring Retry-After. The classifier decides
 * what is transient; anything it calls permanent (e.g. invalid_grant) is thrown at once.
 * When the server asks us to wait longer than `maxDelayMs`, we stop and let the caller surface
 * that wait (a 503 with Retry-After, or "try at the next tick") instead of holding a request open.
 */
export interface RetryPolicy {
  maxAttempts: number;
  baseDelayMs: number;
  maxDelayMs: number;
}

export type FailureClass =
  | { kind: 'permanent' }
  | { kind: 'transient'; retryAfterMs?: number };

export class RetriesExhaustedError extends Error {
  constructor(
    readonly lastError: unknown,
    readonly attempts: number,
    /** What the server last asked for, if anything. */
    readonly retryAfterMs: number | undefined,
  ) {
    super(`Gave up after ${attempts} attempt(s)`);
    this.name = 'RetriesExhaustedError';
  }
}

export interface RetryDeps {
  sleep?: (ms: number) => Promise<void>;
  random?: () => number;
}

export const defaultSleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

export function backoffDelayMs(attempt: number, policy: RetryPolicy, random: () => number): number {
  const ceiling = Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** (attempt - 1));
  return Math.round(random() * ceiling);
}

export async function withRetry<T>(
  operation: (attempt: number) => Promise<T>,
  classify: (error: unknown) => FailureClass,
  policy: RetryPolicy,
  { sleep = defaultSleep, random = Math.random }: RetryDeps = {},
): Promise<T> {
  for (let attempt = 1; ; attempt += 1) {
    try {
      return await operation(attempt);
    } catch (error) {
      const failure = classify(error);
      if (failure.kind === 'permanent') throw error;
      const retryAfterMs = failure.retryAfterMs;
      const tooLong = retryAfterMs !== undefined && retryAfterMs > policy.maxDelayMs;
      if (attempt >= policy.maxAttempts || tooLong) throw new RetriesExhaustedError(error, attempt, retryAfterMs);
      await sleep(Math.max(retryAfterMs ?? 0, backoffDelayMs(attempt, policy, random)));
    }
  }
}

/** Parses Retry-After (delta seconds or an HTTP date) into milliseconds from `now`. */
export function parseRetryAfter(value: string | null | undefined, now: number = Date.now()): number | undefined {
  if (!value) return undefined;
  const trimmed = value.trim();
  if (/^\d+$/.test(trimmed)) return Number(trimmed) * 1000;
  const date = Date.parse(trimmed);
  return Number.isNaN(date) ? undefined : Math.max(0, date - now);
}
