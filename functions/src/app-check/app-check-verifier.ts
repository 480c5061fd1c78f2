import { createRemoteJWKSet, errors, type JWTVerifyGetKey, jwtVerify } from 'jose';
import { AppError } from '../errors/app-error';

export interface AppCheckVerifierOptions {
  jwksUrl: string;
  /** Firebase project number: the token's `iss` ends with it and its `aud` contains `projects/<it>`. */
  projectNumber: string;
  /** Timeout of each key-set fetch. */
  httpTimeoutMs: number;
  /** The clock tokens' `exp`/`iat` are judged by. */
  now?: () => Date;
}

export interface AppCheckClaims {
  /** The Firebase app id the token was issued to (`sub`). */
  appId: string;
}

export type AppCheckVerifier = (token: string) => Promise<AppCheckClaims>;

export const APP_CHECK_ISSUER_PREFIX = 'https://firebaseappcheck.googleapis.com/';

/** Firebase: the key set "must not be cached for longer than six hours". */
const KEY_SET_MAX_AGE_MS = 60 * 60_000;
/** An unknown `kid` refetches the key set at most this often, so forged kids cannot hammer Google. */
const KEY_SET_COOLDOWN_MS = 30_000;
const CLOCK_TOLERANCE_SECONDS = 30;
/** Real tokens are about 1 KB; anything much longer is refused before any parsing. */
export const MAX_APP_CHECK_TOKEN_LENGTH = 4096;

/**
 * Verifies a Firebase App Check token as Firebase documents for third-party JWT libraries: RS256
 * with a key from the App Check key set (by `kid`), header `typ` JWT, `iss` exactly
 * `https://firebaseappcheck.googleapis.com/<projectNumber>`, `aud` containing
 * `projects/<projectNumber>`, not expired, and a non-empty `sub` (the app id).
 * A bad token is `app_check_failed`; a key set that cannot be fetched is `upstream_unavailable`,
 * because the app did nothing wrong.
 */
export function createAppCheckVerifier(options: AppCheckVerifierOptions): AppCheckVerifier & { prefetch(): Promise<void> } {
  const remote = createRemoteJWKSet(new URL(options.jwksUrl), {
    timeoutDuration: options.httpTimeoutMs,
    cacheMaxAge: KEY_SET_MAX_AGE_MS,
    cooldownDuration: KEY_SET_COOLDOWN_MS,
  });
  const keys = keyLookupReportingOutages(remote);
  const verify = async (token: string): Promise<AppCheckClaims> => {
    if (token.length === 0 || token.length > MAX_APP_CHECK_TOKEN_LENGTH) throw failed('The App Check token is empty or too long.');
    try {
      const { payload } = await jwtVerify(token, keys, {
        algorithms: ['RS256'],
        typ: 'JWT',
        issuer: `${APP_CHECK_ISSUER_PREFIX}${options.projectNumber}`,
        audience: `projects/${options.projectNumber}`,
        requiredClaims: ['exp', 'sub'],
        clockTolerance: CLOCK_TOLERANCE_SECONDS,
        ...(options.now ? { currentDate: options.now() } : {}),
      });
      if (typeof payload.sub !== 'string' || payload.sub.length === 0) throw failed('The App Check token names no app.');
      return { appId: payload.sub };
    } catch (error) {
      if (error instanceof AppError) throw error;
      throw failed('The App Check token is not valid for this project.', error);
    }
  };
  // Warms the key set at instance start so the first sign-in does not wait for it; failures are retried by requests.
  return Object.assign(verify, { prefetch: () => remote.reload().catch(() => undefined) });
}

/** Errors of the key lookup that say the token is at fault; any other failure is fetching the key set. */
const TOKEN_FAULTS = [errors.JWKSNoMatchingKey, errors.JWKSMultipleMatchingKeys, errors.JOSENotSupported, errors.JOSEAlgNotAllowed, errors.JWSInvalid];

function keyLookupReportingOutages(remote: JWTVerifyGetKey): JWTVerifyGetKey {
  return async (header, token) => {
    try {
      return await remote(header, token);
    } catch (error) {
      if (TOKEN_FAULTS.some((fault) => error instanceof fault)) throw error;
      throw new AppError('upstream_unavailable', 'The App Check keys cannot be fetched right now. Try again shortly.', { retryAfterSeconds: 5, cause: error });
    }
  };
}

function failed(message: string, cause?: unknown): AppError {
  return new AppError('app_check_failed', message, cause === undefined ? {} : { cause });
}
