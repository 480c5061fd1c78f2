/**
 * When a user is due again. Successful runs: the interval with ±10% jitter, so users signed up
 * in a burst do not stay in lockstep; a run stopped at its deadline with work pending comes back
 * after a minute, or after the interval if that is shorter; a job that asks to run again sooner
 * (`runAgainInSeconds`) is. Failed runs: capped exponential
 * backoff with full jitter, never sooner than Google's Retry-After and never later than one
 * interval; a failure only an operator can fix (a misconfigured key) waits the whole interval.
 */
export const PENDING_WORK_DELAY_SECONDS = 60;
const FAILURE_BASE_SECONDS = 60;

export function nextRunAfterSuccess(now: Date, intervalSeconds: number, done: boolean, random: () => number, runAgainInSeconds?: number): Date {
  const scheduled = done ? nextRegularRun(now, intervalSeconds, random) : new Date(now.getTime() + Math.min(PENDING_WORK_DELAY_SECONDS, intervalSeconds) * 1000);
  if (runAgainInSeconds === undefined || !Number.isFinite(runAgainInSeconds)) return scheduled;
  // A job's own deadline (a Picker session's polling interval), never sooner than a second from now.
  const asked = new Date(now.getTime() + Math.max(1, runAgainInSeconds) * 1000);
  return asked < scheduled ? asked : scheduled;
}

/** The interval with ±10% jitter: after a finished run, and after a failure only an operator can fix. */
export function nextRegularRun(now: Date, intervalSeconds: number, random: () => number): Date {
  const jitter = 1 + (random() * 2 - 1) * 0.1;
  return new Date(now.getTime() + Math.round(intervalSeconds * jitter * 1000));
}

export function nextRunAfterFailure(
  now: Date,
  attempts: number,
  intervalSeconds: number,
  retryAfterMs: number | undefined,
  random: () => number,
): Date {
  const ceilingMs = Math.min(intervalSeconds, FAILURE_BASE_SECONDS * 2 ** Math.max(0, attempts - 1)) * 1000;
  const delayMs = Math.max(retryAfterMs ?? 0, Math.round(ceilingMs * (0.5 + random() / 2)));
  return new Date(now.getTime() + delayMs);
}
