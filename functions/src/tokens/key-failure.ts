import { AppError } from '../errors/app-error';
import { isVaultError, type VaultError } from './vault-error';

/**
 * What a key failure means to the caller, the same for every function that seals or opens tokens
 * (exchange, disconnect, worker, rewrapTokens):
 * - `key_misconfigured`: Secret Manager handed over something that is not a 32-byte key. No retry
 *   can help until an operator adds a good version; the instance's key source reports it at ERROR
 *   once (wiring/vault.ts), and HTTP callers get a 500 without Retry-After.
 * - `key_unavailable`: anything else (Secret Manager unreachable, a version that cannot be read):
 *   503 with Retry-After.
 */
export type KeyFailureCode = 'key_unavailable' | 'key_misconfigured';

export function keyFailureCode(error: VaultError): KeyFailureCode {
  return error.code === 'invalid_key' ? 'key_misconfigured' : 'key_unavailable';
}

/** Seconds a caller is asked to wait after `key_unavailable`. */
export const KEY_RETRY_AFTER_SECONDS = 5;

/** The caller-facing error for a failure to get a key; `whatToDo` ends the key_unavailable message. */
export function keyFailure(cause: unknown, whatToDo = 'Try again later.'): AppError {
  if (isVaultError(cause) && keyFailureCode(cause) === 'key_misconfigured') {
    return new AppError('key_misconfigured', 'The token key is misconfigured on the server; the operator has been alerted.', {
      cause,
      operatorAlerted: true,
    });
  }
  return new AppError('key_unavailable', `The token key is not available. ${whatToDo}`, { retryAfterSeconds: KEY_RETRY_AFTER_SECONDS, cause });
}

/**
 * Whether a failure to open one stored token is about that token (it can never be opened: tampered,
 * moved, or under a version that is disabled or gone) rather than about the key, which would fail
 * every token alike and must stop the caller instead: Secret Manager unreachable, or refusing our
 * service account (PERMISSION_DENIED while an IAM binding propagates), which a disconnect must
 * never take for "this token cannot be revoked".
 */
export function isUnreadableToken(error: unknown): boolean {
  if (!isVaultError(error)) return false;
  return error.code === 'decrypt_failed' || (error.code === 'key_unavailable' && error.gone);
}
