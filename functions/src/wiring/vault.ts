import type { KeySourceConfig } from '../config/vault-config';
import type { Logger } from '../logging/logger';
import type { KeySource } from '../tokens/key-source';
import { keySourceFromConfig } from '../tokens/key-source-from-config';
import { createTokenVault, type TokenVault } from '../tokens/vault';
import { isVaultError } from '../tokens/vault-error';

/**
 * The vault for a function instance. A key file is checked synchronously (a bad one throws and the
 * instance never starts). A Secret Manager key is fetched now, in the background, so the first
 * request does not pay for it; an unreachable Secret Manager only makes requests answer 503.
 *
 * A Secret Manager version that is not a 32-byte key is reported at ERROR once per instance,
 * whichever call meets it first (this start-up fetch, a request, a worker run); each call then
 * fails with `key_misconfigured` (tokens/key-failure.ts). The instance keeps serving rather than
 * exiting: tokens under good versions still open (disconnect keeps working), clients get a stable
 * 500 instead of a crash loop, and adding a good version heals it without a restart.
 */
export function createVaultAtStart(config: KeySourceConfig, logger: Logger): TokenVault {
  const vault = createTokenVault(reportingMisconfiguredKey(keySourceFromConfig(config), logger));
  if (config.kind === 'secret-manager') {
    vault.currentKeyVersion().catch((error: unknown) => {
      const code = isVaultError(error) ? error.code : 'unknown';
      if (code !== 'invalid_key') logger.warn('The token key could not be fetched at start; requests will retry it', { errorCode: code });
    });
  }
  return vault;
}

/** Passes every call through, logging the first `invalid_key` at ERROR (the message names the version, never its bytes). */
function reportingMisconfiguredKey(keys: KeySource, logger: Logger): KeySource {
  let reported = false;
  const watched = async <T>(call: () => Promise<T>): Promise<T> => {
    try {
      return await call();
    } catch (error) {
      if (!reported && isVaultError(error) && error.code === 'invalid_key') {
        reported = true;
        logger.error('A token key version in Secret Manager is not a 32-byte key: every call that needs it fails with key_misconfigured until a good version is added', {
          errorCode: 'key_misconfigured',
          problem: error.message,
        });
      }
      throw error;
    }
  };
  return {
    current: () => watched(() => keys.current()),
    byVersion: (version) => watched(() => keys.byVersion(version)),
    newest: () => watched(() => keys.newest()),
  };
}
