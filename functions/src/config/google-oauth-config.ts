import { readFileSync } from 'node:fs';
import { z } from 'zod';
import { ConfigError } from './config-error';
import { type Env, list, optionalString, parseEnv, url } from './env-schema';
import { identityFromVars, type IdentityConfig, identityShape } from './google-identity-config';

export { DEFAULT_REQUIRED_SCOPES } from './google-identity-config';

/** Identity plus what exchanging and refreshing tokens needs: the client secret and the token endpoint. */
export interface GoogleOAuthConfig extends IdentityConfig {
  clientSecret: string;
  /** Sent with the code exchange; empty means "omit", which is what iOS and Android server auth codes need. */
  redirectUri: string;
  /** The redirect URIs a request may name instead (web pages: `postmessage`, or a registered redirect URI). */
  allowedRedirectUris: string[];
  tokenUrl: string;
}

export const shape = {
  ...identityShape,
  GOOGLE_OAUTH_CLIENT_SECRET: optionalString(),
  GOOGLE_OAUTH_CLIENT_SECRET_FILE: optionalString(),
  GOOGLE_OAUTH_REDIRECT_URI: z.string().default(''),
  ALLOWED_REDIRECT_URIS: list(/,/).pipe(
    z.array(z.string().refine(isRedirectUri, 'must list postmessage or absolute http(s) URIs without a #fragment, comma-separated')),
  ),
  GOOGLE_OAUTH_TOKEN_URL: url('https://oauth2.googleapis.com/token'),
};

export function loadGoogleOAuthConfig(env: Env = process.env): GoogleOAuthConfig {
  const vars = parseEnv(shape, env);
  return {
    ...identityFromVars(vars),
    clientSecret: resolveClientSecret(vars.GOOGLE_OAUTH_CLIENT_SECRET, vars.GOOGLE_OAUTH_CLIENT_SECRET_FILE),
    redirectUri: vars.GOOGLE_OAUTH_REDIRECT_URI.trim(),
    allowedRedirectUris: vars.ALLOWED_REDIRECT_URIS,
    tokenUrl: vars.GOOGLE_OAUTH_TOKEN_URL,
  };
}

/** `postmessage` is what Google Identity Services' popup mode exchanges its codes with. */
function isRedirectUri(value: string): boolean {
  if (value === 'postmessage') return true;
  try {
    const uri = new URL(value);
    return (uri.protocol === 'https:' || uri.protocol === 'http:') && uri.hash === '' && !value.includes('#');
  } catch {
    return false;
  }
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
