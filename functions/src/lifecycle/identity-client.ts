import { OAuth2Client } from 'google-auth-library';
import type { IdentityConfig } from './identity-config';
import type { RetryPolicy } from '../retry/retry';

/**
 * An OAuth2Client for verifying ID tokens and revoking grants: no client secret (neither call
 * presents one), the configured endpoints, a timeout on every call, and the library's own
 * retries off because `withRetry` decides (as in google/oauth-client.ts).
 */
export function createIdentityClient(config: IdentityConfig): OAuth2Client {
  const client = new OAuth2Client({
    clientId: config.clientId,
    transporterOptions: { timeout: config.httpTimeoutMs, fetchImplementation: fetch },
    endpoints: { oauth2RevokeUrl: config.revokeUrl, oauth2FederatedSignonPemCertsUrl: config.certsUrl },
  });
  client.transporter.interceptors.request.add({
    resolved: async (options) => ({ ...options, retry: false, retryConfig: { retry: 0, noResponseRetries: 0 } }),
  });
  return client;
}

/** Retries inside a request stay short: the app is waiting (the exchange uses the same policy). */
export function interactiveRetry(config: IdentityConfig): RetryPolicy {
  return { maxAttempts: config.maxAttempts, baseDelayMs: 200, maxDelayMs: 2_000 };
}
