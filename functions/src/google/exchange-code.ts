import type { OAuth2Client } from 'google-auth-library';
import { AppError } from '../errors/app-error';
import { classifyGoogleFailure, readHttpFailure } from './http-failure';
import { type FailureClass, RetriesExhaustedError, type RetryDeps, type RetryPolicy, withRetry } from '../retry/retry';
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

/**
 * A code is good for one exchange, and Google may revoke what it issued for a code presented twice
 * (RFC 6749 section 4.1.2). So an attempt is repeated only when Google cannot have used the code:
 * it answered 429 or 5xx, or the connection was never made. An attempt that timed out or lost its
 * connection may have spent it: it is not repeated, and the app is told to sign in again.
 */
export function classifyCodeExchangeFailure(error: unknown): FailureClass {
  const failure = readHttpFailure(error);
  if (failure.network && !failure.neverSent) return { kind: 'permanent' };
  return classifyGoogleFailure(error);
}

export async function exchangeCode(client: OAuth2Client, code: string, options: ExchangeOptions): Promise<ExchangedTokens> {
  try {
    const { tokens } = await withRetry(
      () => client.getToken({ code, redirect_uri: options.redirectUri }),
      classifyCodeExchangeFailure,
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
  if (failure.network) {
    return new AppError('upstream_unavailable', 'Google did not answer in time, and may have used the sign-in code. Sign in again for a new one.', {
      retryAfterSeconds: 5,
      details: { codeMayBeSpent: true },
      cause: error,
    });
  }
  return new AppError('upstream_unavailable', 'Google is not answering right now. Try again shortly.', { retryAfterSeconds: 5, cause: error });
}
