/**
 * Why the vault could not seal or open a token. The code is the contract callers branch on:
 * - `decrypt_failed`: the stored value is malformed, tampered with, or belongs to another user or
 *   field. Retrying never helps.
 * - `key_unavailable`: the key (version) could not be obtained. `transient` says whether a retry
 *   later may succeed (Secret Manager unreachable); `gone`, whether that version can never be read
 *   again (disabled, destroyed, unknown), so that every token under it is unreadable. Neither (our
 *   service account refused, an internal error) is a key problem for the operator, for every token.
 * - `invalid_key`: key material was obtained but is not a 32-byte AES-256 key: an operator error.
 * Messages never carry plaintext, ciphertext or key material.
 */
export type VaultErrorCode = 'decrypt_failed' | 'key_unavailable' | 'invalid_key';

export interface VaultErrorOptions {
  /** True when retrying later may succeed. Defaults to false. */
  transient?: boolean;
  /** True when the version itself is gone for good (key_unavailable only). Defaults to false. */
  gone?: boolean;
  /** The underlying failure, for the operator's log (already free of secrets). */
  cause?: unknown;
}

export class VaultError extends Error {
  readonly code: VaultErrorCode;
  readonly transient: boolean;
  readonly gone: boolean;

  constructor(code: VaultErrorCode, message: string, options: VaultErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'VaultError';
    this.code = code;
    this.transient = options.transient ?? false;
    this.gone = options.gone ?? false;
  }
}

export function isVaultError(value: unknown): value is VaultError {
  return value instanceof VaultError;
}
