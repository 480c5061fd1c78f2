/** How often and how patiently to retry a transient failure. */
export interface RetryPolicy {
  /** Total attempts, the first included. */
  maxAttempts: number;
  /** Upper bound of the first wait; doubles per attempt. */
  baseDelayMs: number;
  /** No single wait exceeds this. */
  maxDelayMs: number;
}

export interface RetryDeps {
  sleep: (ms: number) => Promise<void>;
  /** In [0, 1): Math.random in production, fixed in tests. */
  random: () => number;
}

export const defaultRetryDeps: RetryDeps = {
  sleep: (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
  random: Math.random,
};

/**
 * "Full jitter" backoff: wait a random time up to min(cap, base * 2^n). Randomising the whole
 * interval spreads instances that failed together, so they do not retry in lockstep.
 */
export function backoffDelayMs(policy: RetryPolicy, retryNumber: number, random: () => number): number {
  const ceiling = Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** retryNumber);
  return Math.floor(random() * ceiling);
}

/** Runs `attempt` until it succeeds, fails with a non-transient error, or attempts run out. */
export async function retryTransient<T>(
  attempt: () => Promise<T>,
  isTransient: (error: unknown) => boolean,
  policy: RetryPolicy,
  deps: RetryDeps = defaultRetryDeps,
): Promise<T> {
  for (let attemptNumber = 1; ; attemptNumber += 1) {
    try {
      return await attempt();
    } catch (error) {
      if (attemptNumber >= policy.maxAttempts || !isTransient(error)) throw error;
      await deps.sleep(backoffDelayMs(policy, attemptNumber - 1, deps.random));
    }
  }
}
