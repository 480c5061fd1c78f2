/** The token vault: AES-256-GCM encryption at rest, and the key sources it draws keys from. */
export { createTokenVault, associatedData, type TokenVault } from './vault';
export { isSealedToken, isTokenField, TOKEN_FIELDS, type SealedToken, type TokenField } from './sealed-token';
export { VaultError, isVaultError, type VaultErrorCode } from './vault-error';
export { KEY_BYTES, type KeySource, type NewestKeyVersion } from './key-source';
export { fileKeySource, generateKeyFile, FILE_KEY_VERSION } from './file-key-source';
export {
  secretManagerKeySource,
  DEFAULT_CALL_TIMEOUT_MS,
  DEFAULT_SECRET_MANAGER_RETRY,
  DEFAULT_VERSION_CACHE_TTL_SECONDS,
  type SecretManagerKeySourceOptions,
  type SecretVersionAccessor,
} from './secret-manager-key-source';
// createSecretManagerClient is deliberately not re-exported: importing it loads the client library
// (0.5-1 s). Import it from './secret-manager-client' where a client is really wanted.
export type { SecretManagerClientOptions } from './secret-manager-client';
export { keySourceFromConfig, type ConfiguredKeySource, type KeySourceDeps } from './key-source-from-config';
