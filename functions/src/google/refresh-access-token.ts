import type { Credentials, OAuth2Client } from 'google-auth-library';
import { classifyGoogleFailure, readHttpFailure } from './http-failure';
import { type RetryDeps, type RetryPolicy, withRetry } from '../retry/retry';
import { parseScopeString } from './scopes';

export interface RefreshedTokens {
  accessToken: string;
  expiresAt: Date | undefined;
  /** Present only when Google rotated the refresh token: it must be stored before anything else. */
  rotatedRefreshToken: string | undefined;
  scopes: string[];
}

/** Google said `invalid_grant`: revoked, expired (7 days for apps in Testing) or password change. Never retried. */
export class GrantRevokedError extends Error {
  constructor() {
    super('The refresh token is no longer valid');
    this.name = 'GrantRevokedError';
  }
}

/**
 * The library's public refresh paths (`refreshAccessToken`, `getAccessToken`, the `tokens`
 * event) copy the old refresh token over a rotated one, which is how other projects lose users'
 * grants. Its protected `refreshToken` returns Google's answer as is, so we call that.
 */
interface RawRefresh {
  refreshToken(refreshToken: string): Promise<{ tokens: Credentials }>;
}

/**
 * `signal`: the caller's stop. The library's refresh takes none, so an attempt in flight runs to its
 * own timeout (GOOGLE_HTTP_TIMEOUT_MS), but no retry starts after the stop (withRetry).
 */
export async function refreshAccessToken(
  client: OAuth2Client,
  refreshToken: string,
  retry: RetryPolicy,
  { retryDeps, signal }: { retryDeps?: RetryDeps; signal?: AbortSignal | undefined } = {},
): Promise<RefreshedTokens> {
  try {
    const { tokens } = await withRetry(() => (client as unknown as RawRefresh).refreshToken(refreshToken), classifyGoogleFailure, retry, retryDeps, signal);
    if (!tokens.access_token) throw new Error('Google answered a refresh without an access token');
    return {
      accessToken: tokens.access_token,
      expiresAt: typeof tokens.expiry_date === 'number' ? new Date(tokens.expiry_date) : undefined,
      rotatedRefreshToken: tokens.refresh_token && tokens.refresh_token !== refreshToken ? tokens.refresh_token : undefined,
      scopes: parseScopeString(tokens.scope),
    };
  } catch (error) {
    if (readHttpFailure(error).reason === 'invalid_grant') throw new GrantRevokedError();
    throw error;
  }
}
