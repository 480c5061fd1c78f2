import type { Firestore } from '@google-cloud/firestore';
import type { OAuth2Client } from 'google-auth-library';
import { AppError } from '../errors/app-error';
import { toExchangeError } from '../google/exchange-code';
import { GrantRevokedError, refreshAccessToken } from '../google/refresh-access-token';
import type { RetryPolicy } from '../retry/retry';
import { isUnreadableToken, keyFailure } from '../tokens/key-failure';
import type { TokenVault } from '../tokens/vault';
import { openCachedAccessToken } from './cached-access-token';
import { refreshTokenIds, sameRefreshToken } from './refresh-token-ids';
import type { UserRecord } from './user-record';
import { storageFailure } from './storage-failure';

export interface RequestAccessDeps {
  db: Firestore;
  collection: string;
  vault: TokenVault;
  /** With the client secret and the token endpoint. */
  oauth: OAuth2Client;
  /** Interactive: the app is waiting. */
  retry: RetryPolicy;
  /** The request's deadline (HttpRequest.signal): a refresh starts no retry after it. */
  signal?: AbortSignal | undefined;
  now: () => Date;
}

/** One user's access token while an HTTP request (not the worker, no lease) calls Google for them. */
export interface RequestAccess {
  /** The cached token when it has more than 5 minutes left, else a refreshed one. */
  current(): Promise<string>;
  /** A fresh token (UserAuthClient's `onUnauthorized`). */
  refresh(): Promise<string>;
}

/**
 * What `current` and `refresh` throw:
 * - GrantRevokedError: no refresh token, one that can never be opened, or Google's `invalid_grant`.
 *   The user must sign in again; nothing is written (the worker records `reauth_required`).
 * - AppError `key_unavailable` / `key_misconfigured`: the token key.
 * - AppError `upstream_unavailable` (503, Retry-After) or `oauth_client_misconfigured`: Google's token endpoint.
 * - AppError `storage_unavailable`: storing a refresh token Google rotated.
 *
 * The access token is never written back: a request is short, and the worker keeps the cache. A
 * refresh token Google rotated is stored at once (losing it would lose the user), sealed, and only
 * if the document still holds the one it replaces: a concurrent sign-in or worker run wins.
 */
export function requestAccess(userId: string, record: UserRecord, deps: RequestAccessDeps): RequestAccess {
  let sealedRefresh = record.refreshToken;
  let heldIds = record.refreshTokenIds;
  const refresh = async (): Promise<string> => {
    if (!sealedRefresh) throw new GrantRevokedError();
    const previous = sealedRefresh;
    const refreshToken = await deps.vault.open(userId, 'refreshToken', previous).catch((error: unknown) => {
      throw isUnreadableToken(error) ? new GrantRevokedError() : keyFailure(error);
    });
    // A rotated refresh token must be sealable before Google is asked.
    await deps.vault.currentKeyVersion().catch((error: unknown) => {
      throw keyFailure(error);
    });
    const tokens = await refreshAccessToken(deps.oauth, refreshToken, deps.retry, { signal: deps.signal }).catch((error: unknown) => {
      throw error instanceof GrantRevokedError ? error : toExchangeError(error);
    });
    if (tokens.rotatedRefreshToken) {
      const rotatedIds = refreshTokenIds(tokens.rotatedRefreshToken);
      const sealed = await deps.vault.seal(userId, 'refreshToken', tokens.rotatedRefreshToken).catch((error: unknown) => {
        throw keyFailure(error);
      });
      const ref = deps.db.collection(deps.collection).doc(userId);
      await deps.db
        .runTransaction(async (tx) => {
          const current = (await tx.get(ref)).data() as UserRecord | undefined;
          // Another token there is a sign-in's or a worker's, and wins; the same one re-sealed by a key rotation is not.
          if (!current || !sameRefreshToken(current, { refreshToken: previous, refreshTokenIds: heldIds })) return;
          tx.update(ref, { refreshToken: sealed, refreshTokenIds: rotatedIds });
        })
        .catch((error: unknown) => {
          throw storageFailure(error);
        });
      sealedRefresh = sealed;
      heldIds = rotatedIds;
    }
    return tokens.accessToken;
  };
  return {
    async current() {
      // A key that is down stops here; a cached token that cannot be opened is refreshed.
      const cached = await openCachedAccessToken(userId, record, deps.vault, deps.now()).catch((error: unknown) => {
        throw keyFailure(error);
      });
      return cached ?? refresh();
    },
    refresh,
  };
}

/** The caller-facing error for a revoked grant met during a request. */
export function signInAgain(cause?: unknown): AppError {
  return new AppError('reauth_required', 'Google no longer accepts this user\'s offline access. Sign in again with offline access.', {
    cause,
  });
}
