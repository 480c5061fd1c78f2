import type { TokenVault } from '../tokens/vault';
import { isUnreadableToken } from '../tokens/key-failure';
import type { UserRecord } from './user-record';

/** A cached access token is reused only with more than this left: a job or a request may take minutes. */
export const MIN_ACCESS_TOKEN_LIFETIME_MS = 5 * 60_000;

/**
 * The user's stored access token, opened, when it has more than MIN_ACCESS_TOKEN_LIFETIME_MS left;
 * undefined when there is none, it is about to expire, or it can never be opened. It is only a
 * cache: one sealed under a key version disabled since (a run that still used it during a rotation)
 * is refreshed instead. Any other vault failure (the key itself) is thrown as the vault threw it.
 * Shared by the worker (offline/work/user-access.ts) and the HTTP functions (request-access.ts).
 */
export async function openCachedAccessToken(
  userId: string,
  record: Pick<UserRecord, 'accessToken' | 'accessTokenExpiresAt'>,
  vault: TokenVault,
  now: Date,
): Promise<string | undefined> {
  const expiresAt = record.accessTokenExpiresAt?.toMillis() ?? 0;
  if (!record.accessToken || expiresAt - now.getTime() <= MIN_ACCESS_TOKEN_LIFETIME_MS) return undefined;
  try {
    return await vault.open(userId, 'accessToken', record.accessToken);
  } catch (error) {
    if (isUnreadableToken(error)) return undefined;
    throw error;
  }
}
