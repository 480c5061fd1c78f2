import { type Env, nonNegativeInt, parseEnv, positiveInt, url } from '../config/env-schema';

export interface DriveConfig {
  /** Every Drive call goes here, uploads and downloads included (the sandbox in dev and tests). */
  rootUrl: string;
  /** Per-attempt timeout of each Drive call. Large enough for a 25 MB download. */
  timeoutMs: number;
  /** Extra attempts for transient failures of idempotent calls (never for POST). */
  maxRetries: number;
  /** Longest in-process wait between attempts; a longer Retry-After is left to the worker's backoff. */
  maxRetryDelayMs: number;
}

export const shape = {
  GOOGLE_API_ROOT_URL: url('https://www.googleapis.com/'),
  DRIVE_HTTP_TIMEOUT_MS: positiveInt(60_000),
  // 0: the client retries nothing itself; a transient failure goes to the caller (and the worker's backoff).
  DRIVE_MAX_RETRIES: nonNegativeInt(3),
  DRIVE_MAX_RETRY_DELAY_MS: positiveInt(10_000),
};

export function loadDriveConfig(env: Env = process.env): DriveConfig {
  const vars = parseEnv(shape, env);
  return {
    // googleapis joins paths onto the root URL as is: without the slash, `/drive/v3` would be glued on.
    rootUrl: vars.GOOGLE_API_ROOT_URL.endsWith('/') ? vars.GOOGLE_API_ROOT_URL : `${vars.GOOGLE_API_ROOT_URL}/`,
    timeoutMs: vars.DRIVE_HTTP_TIMEOUT_MS,
    maxRetries: vars.DRIVE_MAX_RETRIES,
    maxRetryDelayMs: vars.DRIVE_MAX_RETRY_DELAY_MS,
  };
}
