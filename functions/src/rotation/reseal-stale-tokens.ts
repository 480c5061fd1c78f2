import { isSealedToken, type SealedToken, TOKEN_FIELDS, type TokenField } from '../tokens/sealed-token';
import type { TokenVault } from '../tokens/vault';
import { isUnreadableToken } from '../tokens/key-failure';
import { isVaultError, type VaultErrorCode } from '../tokens/vault-error';
import { isOlderKeyVersion } from './key-version-order';

export interface ResealResult {
  /** The token fields re-sealed under the current key, to write back. Empty: nothing was stale. */
  resealed: Partial<Record<TokenField, SealedToken>>;
  /** Stale fields that could not be opened, with why; they are left as they are and reported. */
  unreadable: { field: TokenField; code: VaultErrorCode }[];
}

/**
 * Re-seals each token field of one user document whose key version is older than `currentVersion`,
 * under exactly `currentVersion` (not whatever this instance has cached as the current key).
 * A token that cannot be opened for good (tampered, wrong binding, key version disabled or
 * destroyed) is reported, not fatal: one bad document must not stop a rotation. A key problem that
 * may pass (Secret Manager unreachable) or that no token could survive (a malformed key) is thrown,
 * so the call stops and the operator retries it.
 */
export async function resealStaleTokens(
  vault: TokenVault,
  userId: string,
  data: Readonly<Record<string, unknown>>,
  currentVersion: string,
): Promise<ResealResult> {
  const result: ResealResult = { resealed: {}, unreadable: [] };
  for (const field of TOKEN_FIELDS) {
    const stored = data[field];
    if (stored === undefined) continue;
    if (isSealedToken(stored) && !isOlderKeyVersion(stored.keyVersion, currentVersion)) continue;
    const opened = await openOrReport(vault, userId, field, stored);
    if (typeof opened === 'string') result.resealed[field] = await vault.seal(userId, field, opened, { keyVersion: currentVersion });
    else result.unreadable.push({ field, code: opened.code });
  }
  return result;
}

/** Only opening is per token: a failure to seal under the current key would fail every user alike, so it is thrown. */
async function openOrReport(vault: TokenVault, userId: string, field: TokenField, stored: unknown): Promise<string | { code: VaultErrorCode }> {
  try {
    // open() rejects a value that is not a sealed token at all with decrypt_failed.
    return await vault.open(userId, field, stored as SealedToken);
  } catch (error) {
    if (!isVaultError(error) || !isUnreadableToken(error)) throw error;
    return { code: error.code };
  }
}
