import { z } from 'zod';
import { ConfigError } from './config-error';
import { bool, type Env, optionalString, parseEnv, positiveInt, url } from './env-schema';

/** Firebase's published App Check key set; `APP_CHECK_JWKS_URL` points elsewhere only for the sandbox. */
export const DEFAULT_APP_CHECK_JWKS_URL = 'https://firebaseappcheck.googleapis.com/v1/jwks';

export type AppCheckConfig =
  | { required: false }
  | {
      required: true;
      jwksUrl: string;
      /** The Firebase project number (digits): tokens must name it in `iss` and `aud`. */
      projectNumber: string;
      /** Timeout of each fetch of the key set. */
      httpTimeoutMs: number;
    };

export const shape = {
  REQUIRE_APP_CHECK: bool(false),
  APP_CHECK_JWKS_URL: url(DEFAULT_APP_CHECK_JWKS_URL),
  APP_CHECK_PROJECT_NUMBER: optionalString().pipe(
    z.string().regex(/^[0-9]{1,20}$/, 'must be the Firebase project number (digits only), not the project id').optional(),
  ),
  GOOGLE_HTTP_TIMEOUT_MS: positiveInt(10_000),
};

/**
 * Whether the exchange demands a Firebase App Check token. Off by default, so the exchange works
 * for apps without Firebase; when on, the project number is required because it is what the
 * token's issuer and audience are checked against.
 */
export function loadAppCheckConfig(env: Env = process.env): AppCheckConfig {
  const vars = parseEnv(shape, env);
  if (!vars.REQUIRE_APP_CHECK) return { required: false };
  if (vars.APP_CHECK_PROJECT_NUMBER === undefined) {
    throw new ConfigError([{ variable: 'APP_CHECK_PROJECT_NUMBER', problem: 'is required when REQUIRE_APP_CHECK is true' }]);
  }
  return {
    required: true,
    jwksUrl: vars.APP_CHECK_JWKS_URL,
    projectNumber: vars.APP_CHECK_PROJECT_NUMBER,
    httpTimeoutMs: vars.GOOGLE_HTTP_TIMEOUT_MS,
  };
}
