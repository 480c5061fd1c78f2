/**
 * Where the vault gets its AES-256 keys. Versions are opaque strings recorded with each
 * ciphertext; `current()` is the version new seals use, `byVersion()` opens older ones.
 * Implementations throw VaultError (`key_unavailable`, `invalid_key`) and never log key bytes.
 */
export interface KeySource {
  current(): Promise<{ version: string; key: Buffer }>;
  byVersion(version: string): Promise<Buffer>;
  /**
   * The version `current()` moves to, asked of the source itself now (never a cached answer):
   * key rotation must not trust any instance's cache.
   */
  newest(): Promise<NewestKeyVersion>;
}

export interface NewestKeyVersion {
  version: string;
  /**
   * From this moment no instance configured like this one can still seal with an older version:
   * the version's creation time plus the time instances keep `current()` cached. Before it,
   * re-sealing stored tokens cannot be called finished, because a stale instance may write more.
   */
  settledAt: Date;
}

/** AES-256 needs exactly this many key bytes. */
export const KEY_BYTES = 32;
