import type { OAuth2Client } from 'google-auth-library';
import { AppError } from '../errors/app-error';
import { classifyGoogleFailure, readHttpFailure } from './http-failure';
import { RetriesExhaustedError, type RetryDeps, type RetryPolicy, withRetry } from '../retry/retry';
import { parseScopeString } from './scopes';

export interface ExchangedTokens {
  accessToken: string;
  accessTokenExpiresAt: Date | undefined;
  /** Only on first consent, or when the app forced consent. */
  refreshToken: string | undefined;
  idToken: string | undefined;
  scopes: string[];
}

/** Google's answers that mean our OAuth client itself is wrong: the operator must fix configuration. */
const CLIENT_PROBLEMS = new Set(['invalid_client', 'unauthorized_client', 'redirect_uri_mismatch', 'invalid_request', 'invalid_scope']);

export interface ExchangeOptions {
  redirectUri: string;
  retry: RetryPolicy;
  retryDeps?: RetryDeps;
  /** The request's deadline: no retry starts after it (the library's getToken takes no signal). */
  signal?: AbortSignal | undefined;
}

export async function exchangeCode(client: OAuth2Client, code: string, options: ExchangeOptions): Promise<ExchangedTokens> {
  try {
    const { tokens } = await withRetry(
      () => client.getToken({ code, redirect_uri: options.redirectUri }),
      classifyGoogleFailure,
      options.retry,
      options.retryDeps,
      options.signal,
    );
    if (!tokens.access_token) throw new AppError('upstream_unavailable', 'Google answered without an access token.', { retryAfterSeconds: 5 });
    return {
      accessToken: tokens.access_token,
      accessTokenExpiresAt: typeof tokens.expiry_date === 'number' ? new Date(tokens.expiry_date) : undefined,
      refreshToken: tokens.refresh_token ?? undefined,
      idToken: tokens.id_token ?? undefined,
      scopes: parseScopeString(tokens.scope),
    };
  } catch (error) {
    throw toExchangeError(error);
  }
}

export function toExchangeError(error: unknown): AppError {
  if (error instanceof AppError) return error;
  if (error instanceof RetriesExhaustedError) {
    return new AppError('upstream_unavailable', 'Google is not answering right now. Try again shortly.', {
      retryAfterSeconds: Math.ceil((error.retryAfterMs ?? 5_000) / 1000),
      cause: error.lastError,
    });
  }
  const failure = readHttpFailure(error);
  if (failure.reason === 'invalid_grant') {
    return new AppError('invalid_grant', 'The sign-in code is invalid, expired or already used. Sign in again.', { cause: error });
  }
  if (failure.status !== undefined && (CLIENT_PROBLEMS.has(failure.reason ?? '') || failure.status < 500)) {
    return new AppError('oauth_client_misconfigured', 'The server is not configured correctly for Google Sign-In.', { cause: error });
  }
  return new AppError('upstream_unavailable', 'Google is not answering right now. Try again shortly.', { retryAfterSeconds: 5, cause: error });
}
