import { readFileSync } from 'node:fs';
import { z } from 'zod';
import { ConfigError } from './config-error';
import { type Env, list, optionalString, parseEnv, positiveInt, requiredString, url } from './env-schema';
import { normaliseScope } from '../google/scopes';

export const DEFAULT_REQUIRED_SCOPES = [
  'openid',
  'email',
  'profile',
  'https://www.googleapis.com/auth/drive.appdata',
] as const;

export interface GoogleOAuthConfig {
  clientId: string;
  clientSecret: string;
  /** Sent with the code exchange; empty means "omit", which is what iOS server auth codes need. */
  redirectUri: string;
  allowedAudiences: string[];
  /** Empty: `azp` is not checked. */
  allowedAuthorizedParties: string[];
  requiredScopes: string[];
  tokenUrl: string;
  certsUrl: string;
  revokeUrl: string;
  /** Per-attempt timeout for every call to Google's OAuth endpoints. */
  httpTimeoutMs: number;
  /** Attempts for transient failures (5xx, 429, network) before giving up. */
  maxAttempts: number;
}

const shape = {
  GOOGLE_OAUTH_CLIENT_ID: requiredString(),
  GOOGLE_OAUTH_CLIENT_SECRET: optionalString(),
  GOOGLE_OAUTH_CLIENT_SECRET_FILE: optionalString(),
  GOOGLE_OAUTH_REDIRECT_URI: z.string().default(''),
  ALLOWED_AUDIENCES: list(/,/),
  ALLOWED_AUTHORIZED_PARTIES: list(/,/),
  REQUIRED_SCOPES: list(/\s+/, DEFAULT_REQUIRED_SCOPES),
  GOOGLE_OAUTH_TOKEN_URL: url('https://oauth2.googleapis.com/token'),
  GOOGLE_OAUTH_CERTS_URL: url('https://www.googleapis.com/oauth2/v1/certs'),
  GOOGLE_OAUTH_REVOKE_URL: url('https://oauth2.googleapis.com/revoke'),
  GOOGLE_HTTP_TIMEOUT_MS: positiveInt(10_000),
  GOOGLE_HTTP_MAX_ATTEMPTS: positiveInt(3),
};

export function loadGoogleOAuthConfig(env: Env = process.env): GoogleOAuthConfig {
  const vars = parseEnv(shape, env);
  return {
    clientId: vars.GOOGLE_OAUTH_CLIENT_ID,
    clientSecret: resolveClientSecret(vars.GOOGLE_OAUTH_CLIENT_SECRET, vars.GOOGLE_OAUTH_CLIENT_SECRET_FILE),
    redirectUri: vars.GOOGLE_OAUTH_REDIRECT_URI.trim(),
    allowedAudiences: vars.ALLOWED_AUDIENCES.length > 0 ? vars.ALLOWED_AUDIENCES : [vars.GOOGLE_OAUTH_CLIENT_ID],
    allowedAuthorizedParties: vars.ALLOWED_AUTHORIZED_PARTIES,
    requiredScopes: [...new Set(vars.REQUIRED_SCOPES.map(normaliseScope))],
    tokenUrl: vars.GOOGLE_OAUTH_TOKEN_URL,
    certsUrl: vars.GOOGLE_OAUTH_CERTS_URL,
    revokeUrl: vars.GOOGLE_OAUTH_REVOKE_URL,
    httpTimeoutMs: vars.GOOGLE_HTTP_TIMEOUT_MS,
    maxAttempts: vars.GOOGLE_HTTP_MAX_ATTEMPTS,
  };
}

function resolveClientSecret(inline: string | undefined, file: string | undefined): string {
  if (inline !== undefined && file !== undefined) {
    throw new ConfigError([
      { variable: 'GOOGLE_OAUTH_CLIENT_SECRET', problem: 'and GOOGLE_OAUTH_CLIENT_SECRET_FILE are both set; set one' },
    ]);
  }
  if (inline !== undefined) return inline;
  if (file === undefined) {
    throw new ConfigError([
      { variable: 'GOOGLE_OAUTH_CLIENT_SECRET', problem: 'or GOOGLE_OAUTH_CLIENT_SECRET_FILE is required' },
    ]);
  }
  return readClientSecretFile(file);
}

/** Reads the `client_secret.json` the Google Cloud console downloads (a `web` or `installed` client). */
function readClientSecretFile(path: string): string {
  const fail = (problem: string): never => {
    throw new ConfigError([{ variable: 'GOOGLE_OAUTH_CLIENT_SECRET_FILE', problem }]);
  };
  let parsed: unknown;
  try {
    parsed = JSON.parse(readFileSync(path, 'utf8'));
  } catch {
    return fail(`could not be read as JSON from ${path}`);
  }
  const file = z
    .object({ web: z.object({ client_secret: z.string().min(1) }).optional(), installed: z.object({ client_secret: z.string().min(1) }).optional() })
    .safeParse(parsed);
  const secret = file.success ? (file.data.web ?? file.data.installed)?.client_secret : undefined;
  return secret ?? fail('has no web.client_secret or installed.client_secret');
}
