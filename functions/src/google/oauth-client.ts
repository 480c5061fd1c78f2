import { OAuth2Client } from 'google-auth-library';
import type { IdentityConfig } from '../config/google-identity-config';
import type { GoogleOAuthConfig } from '../config/google-oauth-config';
import { googleFetch } from './http-transport';

/**
 * An OAuth2Client pointed at the configured endpoints (Google, or the sandbox in dev and tests),
 * with a timeout on every call. The library's own retries are switched off: retries belong to
 * `withRetry`, which honours Retry-After and never retries permanent errors; two retry layers
 * would multiply attempts.
 */
export function createOAuthClient(config: IdentityConfig | GoogleOAuthConfig): OAuth2Client {
  // Functions that only verify ID tokens and revoke grants are never given the client secret.
  const secret = 'clientSecret' in config ? { clientSecret: config.clientSecret } : {};
  const client = new OAuth2Client({
    clientId: config.clientId,
    ...secret,
    // Our transport (http-transport.ts): gaxios would otherwise import node-fetch dynamically on first use.
    transporterOptions: { timeout: config.httpTimeoutMs, fetchImplementation: googleFetch },
    endpoints: {
      ...('tokenUrl' in config ? { oauth2TokenUrl: config.tokenUrl } : {}),
      oauth2RevokeUrl: config.revokeUrl,
      oauth2FederatedSignonPemCertsUrl: config.certsUrl,
    },
  });
  client.transporter.interceptors.request.add({
    resolved: async (options) => ({ ...options, retry: false, retryConfig: { retry: 0, noResponseRetries: 0 } }),
  });
  return client;
}
