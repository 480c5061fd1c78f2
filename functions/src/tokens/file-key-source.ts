import { randomBytes } from 'node:crypto';
import { readSecretFile, writeSecretFileOnce } from '../config/secret-file';
import { decodeBase64Key } from './key-material';
import { KEY_BYTES, type KeySource } from './key-source';
import { VaultError } from './vault-error';

/** The one version a key file provides. Rotating a file key means re-sealing under a Secret Manager key. */
export const FILE_KEY_VERSION = '1';

/**
 * Local-development key source: a file holding the base64 of a 32-byte key on one line, exposed as
 * version "1". Read and checked now, synchronously, so a bad file stops start-up instead of the
 * first request. Error messages name the variable and the path, never the file's content.
 */
export function fileKeySource(path: string): KeySource {
  const key = readKeyFile(path);
  return {
    current: async () => ({ version: FILE_KEY_VERSION, key }),
    // A key file has one version for ever: nothing can seal with another one.
    newest: async () => ({ version: FILE_KEY_VERSION, settledAt: new Date(0) }),
    byVersion: async (version) => {
      if (version === FILE_KEY_VERSION) return key;
      throw new VaultError('key_unavailable', `Key version ${JSON.stringify(version)} is not in the key file (it only has version ${FILE_KEY_VERSION}).`, { gone: true });
    },
  };
}

function readKeyFile(path: string): Buffer {
  return readSecretFile(path, 'TOKEN_KEY_FILE', decodeBase64Key, `the base64 of a ${KEY_BYTES}-byte key on one line`);
}

/**
 * Writes a fresh random key file (base64 + newline, mode 0600, parent folders created) unless one
 * exists: an existing key may already protect stored tokens, so it is never replaced.
 */
export function generateKeyFile(path: string): 'created' | 'exists' {
  return writeSecretFileOnce(path, `${randomBytes(KEY_BYTES).toString('base64')}\n`);
}
