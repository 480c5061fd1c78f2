import { z } from 'zod';
import { type Env, nonNegativeInt, parseEnv, positiveInt, url } from '../config/env-schema';

/**
 * Where the Google Photos APIs are (Google, or the sandbox) and how the product uses them. Both
 * roots are origins without a path: the product appends `/v1/...` as Google's reference gives it.
 */
export interface PhotosConfig {
  pickerRootUrl: string;
  libraryRootUrl: string;
  /** The app-created album the enhanced photos go to, created once per user and remembered. */
  albumTitle: string;
  /** Per-attempt timeout of each Photos call (downloads and uploads of up to 25 MB included). */
  timeoutMs: number;
  /** Extra attempts for transient failures of calls that are safe to repeat. */
  maxRetries: number;
  /** Longest in-process wait between attempts; a longer Retry-After is left to the worker's backoff. */
  maxRetryDelayMs: number;
  /** Open Picker sessions one user may have at once (createPhotoPickerSession refuses more). */
  maxOpenSessions: number;
}

/** Google's limit on an album title (albums.create). */
export const MAX_ALBUM_TITLE_LENGTH = 500;

export const photosShape = {
  PHOTOS_PICKER_ROOT_URL: url('https://photospicker.googleapis.com'),
  PHOTOS_LIBRARY_ROOT_URL: url('https://photoslibrary.googleapis.com'),
  PHOTOS_ALBUM_TITLE: z
    .string()
    .default('Enhanced')
    .transform((title) => title.trim())
    .pipe(z.string().min(1, 'must not be empty').max(MAX_ALBUM_TITLE_LENGTH, `must be at most ${MAX_ALBUM_TITLE_LENGTH} characters (Google's album title limit)`)),
  PHOTOS_HTTP_TIMEOUT_MS: positiveInt(60_000),
  // 0: the client retries nothing itself; a transient failure goes to the caller (and the worker's backoff).
  PHOTOS_MAX_RETRIES: nonNegativeInt(3),
  PHOTOS_MAX_RETRY_DELAY_MS: positiveInt(10_000),
  PHOTOS_MAX_OPEN_SESSIONS: positiveInt(3),
};

export function loadPhotosConfig(env: Env = process.env): PhotosConfig {
  const vars = parseEnv(photosShape, env);
  return {
    pickerRootUrl: withoutTrailingSlash(vars.PHOTOS_PICKER_ROOT_URL),
    libraryRootUrl: withoutTrailingSlash(vars.PHOTOS_LIBRARY_ROOT_URL),
    albumTitle: vars.PHOTOS_ALBUM_TITLE,
    timeoutMs: vars.PHOTOS_HTTP_TIMEOUT_MS,
    maxRetries: vars.PHOTOS_MAX_RETRIES,
    maxRetryDelayMs: vars.PHOTOS_MAX_RETRY_DELAY_MS,
    maxOpenSessions: vars.PHOTOS_MAX_OPEN_SESSIONS,
  };
}

function withoutTrailingSlash(value: string): string {
  return value.replace(/\/+$/, '');
}
