import type { IdentityConfig } from '../config/google-identity-config';
import type { GoogleOAuthConfig } from '../config/google-oauth-config';
import type { GoogleSignIn } from '../exchange/exchange-auth-code';
import { exchangeCode } from './exchange-code';
import { createOAuthClient } from './oauth-client';
import type { RetryPolicy } from '../retry/retry';
import { createIdTokenVerifier } from './verify-id-token';

/** Retries inside an interactive request stay short: the app is waiting with a spinner. */
export function interactiveRetryPolicy(config: IdentityConfig): RetryPolicy {
  return { maxAttempts: config.maxAttempts, baseDelayMs: 200, maxDelayMs: 2_000 };
}

/** google-auth-library, configured once per instance (it caches Google's certs between requests). */
export function createGoogleSignIn(config: GoogleOAuthConfig, retry: RetryPolicy = interactiveRetryPolicy(config)): GoogleSignIn {
  const client = createOAuthClient(config);
  return {
    exchangeCode: (code, { redirectUri = config.redirectUri, signal } = {}) => exchangeCode(client, code, { redirectUri, retry, signal }),
    verifyIdToken: createIdTokenVerifier(client, config, retry),
  };
}
