/**
 * Where the vault gets its AES-256 keys. Versions are opaque strings recorded with each
 * ciphertext; `current()` is the version new seals use, `byVersion()` opens older ones.
 * Implementations throw VaultError (`key_unavailable`, `invalid_key`) and never log key bytes.
 */
export interface KeySource {
  current(): Promise<{ version: string; key: Buffer }>;
  byVersion(version: string): Promise<Buffer>;
}

/** AES-256 needs exactly this many key bytes. */
export const KEY_BYTES = 32;
