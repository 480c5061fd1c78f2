import { DEFAULT_REQUIRED_SCOPES } from '../config/google-oauth-config';
import { type Env, list, parseEnv, positiveInt, requiredString, url } from '../config/env-schema';
import { normaliseScope } from '../google/scopes';

/**
 * What `disconnect` and `offlineStatus` need to know about Google: how to verify the app's ID
 * token (the same variables, defaults and rules as the exchange) and where to revoke a grant.
 * Unlike the exchange they never present the client secret, so they are not given it: their
 * service accounts need no access to it.
 */
export interface IdentityConfig {
  clientId: string;
  allowedAudiences: string[];
  /** Empty: `azp` is not checked. */
  allowedAuthorizedParties: string[];
  requiredScopes: string[];
  certsUrl: string;
  revokeUrl: string;
  httpTimeoutMs: number;
  maxAttempts: number;
}

const shape = {
  GOOGLE_OAUTH_CLIENT_ID: requiredString(),
  ALLOWED_AUDIENCES: list(/,/),
  ALLOWED_AUTHORIZED_PARTIES: list(/,/),
  REQUIRED_SCOPES: list(/\s+/, DEFAULT_REQUIRED_SCOPES),
  GOOGLE_OAUTH_CERTS_URL: url('https://www.googleapis.com/oauth2/v1/certs'),
  GOOGLE_OAUTH_REVOKE_URL: url('https://oauth2.googleapis.com/revoke'),
  GOOGLE_HTTP_TIMEOUT_MS: positiveInt(10_000),
  GOOGLE_HTTP_MAX_ATTEMPTS: positiveInt(3),
};

export function loadIdentityConfig(env: Env = process.env): IdentityConfig {
  const vars = parseEnv(shape, env);
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
