import type { OAuth2Client } from 'google-auth-library';
import { classifyGoogleFailure, readHttpFailure } from '../../google/http-failure';
import { RetriesExhaustedError, type RetryDeps, type RetryPolicy, withRetry } from '../../retry/retry';

/** Stable codes recorded as `revokeError` when Google's revoke did not happen. */
export type RevokeErrorCode = 'upstream_unavailable' | 'revoke_rejected' | 'token_unreadable';

export type RevokeOutcome = { kind: 'revoked' } | { kind: 'already_invalid' } | { kind: 'failed'; code: RevokeErrorCode };

export type RevokeToken = (token: string) => Promise<RevokeOutcome>;

/**
 * Revokes a grant at Google through google-auth-library's `revokeToken` (a refresh token, or an
 * access token, takes the whole grant with it). Transient failures (network, 429, 5xx) are
 * retried with backoff; Google's 400 `invalid_token` means the grant is already gone, which is
 * what we wanted. Never throws: a disconnect goes ahead locally whatever Google says.
 */
export function revokeAtGoogle(client: OAuth2Client, retry: RetryPolicy, retryDeps?: RetryDeps): RevokeToken {
  return async (token) => {
    try {
      await withRetry(() => client.revokeToken(token), classifyGoogleFailure, retry, retryDeps);
      return { kind: 'revoked' };
    } catch (error) {
      if (error instanceof RetriesExhaustedError) return { kind: 'failed', code: 'upstream_unavailable' };
      const failure = readHttpFailure(error);
      if (failure.status === 400 && failure.reason === 'invalid_token') return { kind: 'already_invalid' };
      return { kind: 'failed', code: 'revoke_rejected' };
    }
  };
}
