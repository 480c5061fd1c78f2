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
  /** Waits `ms`, or less when `signal` fires first. */
  sleep?: (ms: number, signal?: AbortSignal) => Promise<void>;
  random?: () => number;
}

/** Resolves after `ms`, or as soon as `signal` fires: the loop then gives up rather than waking to retry. */
export const defaultSleep = (ms: number, signal?: AbortSignal): Promise<void> =>
  new Promise((resolve) => {
    if (signal?.aborted) return resolve();
    const wake = (): void => {
      clearTimeout(timer);
      signal?.removeEventListener('abort', wake);
      resolve();
    };
    const timer = setTimeout(wake, ms);
    signal?.addEventListener('abort', wake, { once: true });
  });

export function backoffDelayMs(attempt: number, policy: RetryPolicy, random: () => number): number {
  const ceiling = Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** (attempt - 1));
  return Math.round(random() * ceiling);
}

/**
 * `signal` is the caller's stop (a request answered at its deadline, the worker's hard stop):
 * once it fires no retry starts, and a backoff in progress ends; an attempt in flight ends by its
 * own timeout. The first attempt is always made, so that a stop never fails what one quick call
 * could still finish (a sign-in holding a spent code, an ID-token check with cached certificates).
 * Stopped after a failure, the loop gives up as when its attempts run out (RetriesExhaustedError,
 * so the caller answers as it would then).
 */
export async function withRetry<T>(
  operation: (attempt: number) => Promise<T>,
  classify: (error: unknown) => FailureClass,
  policy: RetryPolicy,
  { sleep = defaultSleep, random = Math.random }: RetryDeps = {},
  signal?: AbortSignal,
): Promise<T> {
  for (let attempt = 1; ; attempt += 1) {
    try {
      return await operation(attempt);
    } catch (error) {
      const failure = classify(error);
      if (failure.kind === 'permanent') throw error;
      const retryAfterMs = failure.retryAfterMs;
      const tooLong = retryAfterMs !== undefined && retryAfterMs > policy.maxDelayMs;
      if (attempt >= policy.maxAttempts || tooLong || signal?.aborted) throw new RetriesExhaustedError(error, attempt, retryAfterMs);
      await sleep(Math.max(retryAfterMs ?? 0, backoffDelayMs(attempt, policy, random)), signal);
      if (signal?.aborted) throw new RetriesExhaustedError(error, attempt, retryAfterMs);
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
