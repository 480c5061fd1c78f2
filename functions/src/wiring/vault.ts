import type { KeySourceConfig } from '../config/vault-config';
import type { Logger } from '../logging/logger';
import { keySourceFromConfig } from '../tokens/key-source-from-config';
import { createTokenVault, type TokenVault } from '../tokens/vault';
import { isVaultError } from '../tokens/vault-error';

/**
 * The vault for a function instance. A key file is checked synchronously (a bad one throws and the
 * instance never starts). A Secret Manager key is fetched now, in the background, so the first
 * request does not pay for it; a key of the wrong size stops the instance, because no request
 * could ever succeed with it, while an unreachable Secret Manager only makes requests answer 503.
 */
export function createVaultAtStart(config: KeySourceConfig, logger: Logger, exit: (code: number) => void = process.exit): TokenVault {
  const vault = createTokenVault(keySourceFromConfig(config));
  if (config.kind === 'secret-manager') {
    vault.currentKeyVersion().catch((error: unknown) => {
      const code = isVaultError(error) ? error.code : 'unknown';
      if (code === 'invalid_key') {
        logger.error('TOKEN_KEY_SECRET does not hold a 32-byte key; refusing to serve', { errorCode: code });
        exit(1);
        return;
      }
      logger.warn('The token key could not be fetched at start; requests will retry it', { errorCode: code });
    });
  }
  return vault;
}
