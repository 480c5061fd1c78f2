import { type Env, list, parseEnv, positiveInt, requiredString, url } from '../config/env-schema';

export const DEFAULT_RISC_CONFIG_URL = 'https://accounts.google.com/.well-known/risc-configuration';

export interface RiscConfig {
  /** Google's RISC discovery document: `issuer` and `jwks_uri`. */
  configUrl: string;
  /** Accepted `aud` values: every client id of ours (web, and the apps' own). */
  audiences: string[];
  /** How long the discovery document and the key set are trusted before they are fetched again. */
  cacheSeconds: number;
  /** Timeout of each fetch of the discovery document or the key set. */
  httpTimeoutMs: number;
}

export const shape = {
  GOOGLE_OAUTH_CLIENT_ID: requiredString(),
  ALLOWED_AUDIENCES: list(/,/),
  ALLOWED_AUTHORIZED_PARTIES: list(/,/),
  RISC_CONFIG_URL: url(DEFAULT_RISC_CONFIG_URL),
  RISC_CACHE_SECONDS: positiveInt(3600),
  GOOGLE_HTTP_TIMEOUT_MS: positiveInt(10_000),
};

/**
 * Google addresses a security event to one of the project's OAuth client ids, which may be the
 * web client or an app's own (iOS/Android) client: the ones this server already knows as
 * GOOGLE_OAUTH_CLIENT_ID, ALLOWED_AUDIENCES and ALLOWED_AUTHORIZED_PARTIES. No client secret.
 */
export function loadRiscConfig(env: Env = process.env): RiscConfig {
  const vars = parseEnv(shape, env);
  return {
    configUrl: vars.RISC_CONFIG_URL,
    audiences: [...new Set([vars.GOOGLE_OAUTH_CLIENT_ID, ...vars.ALLOWED_AUDIENCES, ...vars.ALLOWED_AUTHORIZED_PARTIES])],
    cacheSeconds: vars.RISC_CACHE_SECONDS,
    httpTimeoutMs: vars.GOOGLE_HTTP_TIMEOUT_MS,
  };
}
