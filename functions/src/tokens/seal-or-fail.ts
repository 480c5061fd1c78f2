import { keyFailure } from './key-failure';
import type { TokenField, TokenVault } from './vault';

/** Seals a token, turning any key problem into `key_unavailable` or `key_misconfigured`, so the caller never stores plaintext. */
export async function sealOrFail(vault: TokenVault, userId: string, field: TokenField, plaintext: string) {
  try {
    return await vault.seal(userId, field, plaintext);
  } catch (cause) {
    throw keyFailure(cause);
  }
}
