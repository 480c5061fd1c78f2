import { OAuth2Client } from 'google-auth-library';
import type { GoogleOAuthConfig } from '../config/google-oauth-config';

/**
 * An OAuth2Client pointed at the configured endpoints (Google, or the sandbox in dev and tests),
 * with a timeout on every call. The library's own retries are switched off: retries belong to
 * `withRetry`, which honours Retry-After and never retries permanent errors; two retry layers
 * would multiply attempts.
 */
export function createOAuthClient(config: GoogleOAuthConfig): OAuth2Client {
  const client = new OAuth2Client({
    clientId: config.clientId,
    clientSecret: config.clientSecret,
    // Node's own fetch: gaxios would otherwise import node-fetch dynamically on first use.
    transporterOptions: { timeout: config.httpTimeoutMs, fetchImplementation: fetch },
    endpoints: {
      oauth2TokenUrl: config.tokenUrl,
      oauth2RevokeUrl: config.revokeUrl,
      oauth2FederatedSignonPemCertsUrl: config.certsUrl,
    },
  });
  client.transporter.interceptors.request.add({
    resolved: async (options) => ({ ...options, retry: false, retryConfig: { retry: 0, noResponseRetries: 0 } }),
  });
  return client;
}
