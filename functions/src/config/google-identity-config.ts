import { type Env, list, parseEnv, positiveInt, requiredString, url } from './env-schema';
import { normaliseScope } from '../google/scopes';

export const DEFAULT_REQUIRED_SCOPES = [
  'openid',
  'email',
  'profile',
  'https://www.googleapis.com/auth/drive.appdata',
] as const;

/**
 * How to recognise the app's users: verifying their Google ID tokens and revoking their grants.
 * Every function that authenticates a user reads these; only the ones that exchange or refresh
 * tokens add the client secret (GoogleOAuthConfig), so the others' accounts never need it.
 */
export interface IdentityConfig {
  clientId: string;
  allowedAudiences: string[];
  /** Empty: `azp` is not checked. */
  allowedAuthorizedParties: string[];
  requiredScopes: string[];
  certsUrl: string;
  revokeUrl: string;
  /** Per-attempt timeout for every call to Google's OAuth endpoints. */
  httpTimeoutMs: number;
  /** Attempts for transient failures (5xx, 429, network) before giving up. */
  maxAttempts: number;
}

export const identityShape = {
  GOOGLE_OAUTH_CLIENT_ID: requiredString(),
  ALLOWED_AUDIENCES: list(/,/),
  ALLOWED_AUTHORIZED_PARTIES: list(/,/),
  REQUIRED_SCOPES: list(/\s+/, DEFAULT_REQUIRED_SCOPES),
  GOOGLE_OAUTH_CERTS_URL: url('https://www.googleapis.com/oauth2/v1/certs'),
  GOOGLE_OAUTH_REVOKE_URL: url('https://oauth2.googleapis.com/revoke'),
  GOOGLE_HTTP_TIMEOUT_MS: positiveInt(10_000),
  GOOGLE_HTTP_MAX_ATTEMPTS: positiveInt(3),
};

type IdentityVars = ReturnType<typeof parseEnv<typeof identityShape>>;

export function identityFromVars(vars: IdentityVars): IdentityConfig {
  return {
    clientId: vars.GOOGLE_OAUTH_CLIENT_ID,
    allowedAudiences: vars.ALLOWED_AUDIENCES.length > 0 ? vars.ALLOWED_AUDIENCES : [vars.GOOGLE_OAUTH_CLIENT_ID],
    allowedAuthorizedParties: vars.ALLOWED_AUTHORIZED_PARTIES,
    requiredScopes: [...new Set(vars.REQUIRED_SCOPES.map(normaliseScope))],
    certsUrl: vars.GOOGLE_OAUTH_CERTS_URL,
    revokeUrl: vars.GOOGLE_OAUTH_REVOKE_URL,
    httpTimeoutMs: vars.GOOGLE_HTTP_TIMEOUT_MS,
    maxAttempts: vars.GOOGLE_HTTP_MAX_ATTEMPTS,
  };
}

export function loadIdentityConfig(env: Env = process.env): IdentityConfig {
  return identityFromVars(parseEnv(identityShape, env));
}
