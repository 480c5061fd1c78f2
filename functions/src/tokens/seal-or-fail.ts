import { AppError } from '../errors/app-error';
import type { TokenField, TokenVault } from './vault';

/** Seals a token, turning any key problem into `key_unavailable` so the caller never stores plaintext. */
export async function sealOrFail(vault: TokenVault, userId: string, field: TokenField, plaintext: string) {
  try {
    return await vault.seal(userId, field, plaintext);
  } catch (cause) {
    throw new AppError('key_unavailable', 'The token key is not available. Try again later.', { retryAfterSeconds: 5, cause });
  }
}
