import { createCipheriv, createDecipheriv, createSecretKey, type KeyObject, randomBytes } from 'node:crypto';
import { KEY_BYTES, type KeySource, type NewestKeyVersion } from './key-source';
import { IV_BYTES, isSealedToken, isTokenField, type SealedToken, TAG_BYTES, type TokenField } from './sealed-token';
import { isVaultError, VaultError } from './vault-error';

export type { KeySource, NewestKeyVersion } from './key-source';
export { isSealedToken, type SealedToken, type TokenField } from './sealed-token';
export { VaultError, isVaultError, type VaultErrorCode } from './vault-error';

export interface SealOptions {
  /** Seal under exactly this version instead of the current one (key rotation pins its target). */
  keyVersion?: string;
}

export interface TokenVault {
  seal(userId: string, field: TokenField, plaintext: string, options?: SealOptions): Promise<SealedToken>;
  open(userId: string, field: TokenField, sealed: SealedToken): Promise<string>;
  /** Key version new seals use, once its key is known to be usable. */
  currentKeyVersion(): Promise<string>;
  /** The version new seals are moving to, read fresh from the key source (see KeySource.newest). */
  newestKeyVersion(): Promise<NewestKeyVersion>;
}

const CIPHER = 'aes-256-gcm';

/**
 * AES-256-GCM with a fresh random 96-bit IV per seal and a 128-bit tag. The associated data binds
 * each ciphertext to its user and field, so a value copied into another user's document or into
 * the other token field fails to open instead of handing one user's token to another.
 */
export function createTokenVault(keys: KeySource): TokenVault {
  return {
    async seal(userId, field, plaintext, options = {}) {
      checkBinding(userId, field);
      if (typeof plaintext !== 'string') throw new TypeError('plaintext must be a string');
      const { version, key } =
        options.keyVersion === undefined ? await currentKey(keys) : { version: options.keyVersion, key: await keyFor(keys, options.keyVersion) };
      const iv = randomBytes(IV_BYTES);
      const cipher = createCipheriv(CIPHER, checkedKey(key, version), iv, { authTagLength: TAG_BYTES });
      cipher.setAAD(associatedData(userId, field));
      const ciphertext = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final()]);
      return {
        alg: 'A256GCM',
        keyVersion: version,
        iv: iv.toString('base64url'),
        ciphertext: ciphertext.toString('base64url'),
        tag: cipher.getAuthTag().toString('base64url'),
      };
    },

    async open(userId, field, sealed) {
      checkBinding(userId, field);
      if (!isSealedToken(sealed)) throw new VaultError('decrypt_failed', 'The stored token is not a sealed token.');
      const key = checkedKey(await keyFor(keys, sealed.keyVersion), sealed.keyVersion);
      try {
        const decipher = createDecipheriv(CIPHER, key, Buffer.from(sealed.iv, 'base64url'), { authTagLength: TAG_BYTES });
        decipher.setAAD(associatedData(userId, field));
        decipher.setAuthTag(Buffer.from(sealed.tag, 'base64url'));
        return Buffer.concat([decipher.update(Buffer.from(sealed.ciphertext, 'base64url')), decipher.final()]).toString('utf8');
      } catch {
        // GCM says only "unable to authenticate": tampered, wrong user/field, or a different key.
        throw new VaultError('decrypt_failed', 'The stored token could not be decrypted for this user and field.');
      }
    },

    async currentKeyVersion() {
      const { version, key } = await currentKey(keys);
      checkedKey(key, version);
      return version;
    },

    newestKeyVersion: () => fromKeySource(() => keys.newest(), 'The newest key version'),
  };
}

/**
 * `offline-access/v1|<userId>|<field>`. Unambiguous although a user id could contain `|`: the
 * field is always one of a fixed set without `|`, so it is everything after the last separator.
 */
export function associatedData(userId: string, field: TokenField): Buffer {
  return Buffer.from(`offline-access/v1|${userId}|${field}`, 'utf8');
}

function checkBinding(userId: string, field: TokenField): void {
  if (typeof userId !== 'string' || userId.length === 0) throw new TypeError('userId must be a non-empty string');
  if (!isTokenField(field)) throw new TypeError('field must be refreshToken or accessToken');
}

function currentKey(keys: KeySource): Promise<{ version: string; key: Buffer }> {
  return fromKeySource(() => keys.current(), 'The current key');
}

function keyFor(keys: KeySource, version: string): Promise<Buffer> {
  return fromKeySource(() => keys.byVersion(version), `Key version ${JSON.stringify(version)}`);
}

/** A key source's VaultError as it is; anything else it throws becomes key_unavailable, without its message. */
async function fromKeySource<T>(load: () => Promise<T>, what: string): Promise<T> {
  try {
    return await load();
  } catch (error) {
    if (isVaultError(error)) throw error;
    throw new VaultError('key_unavailable', `${what} could not be loaded.`, { cause: error });
  }
}

/**
 * Each key's KeyObject, made once: given a Buffer, createCipheriv and createDecipheriv build one on
 * every call, which is two thirds of a seal's CPU (15 us against 5 us per seal, Node 24). Key
 * sources hand out the same Buffer for a version while they cache it, so this follows their cache.
 */
const keyObjects = new WeakMap<Buffer, KeyObject>();

/** A key source bug must not turn into AES-128/192 or a crypto exception that echoes input. */
function checkedKey(key: Buffer, version: string): KeyObject {
  if (!Buffer.isBuffer(key) || key.length !== KEY_BYTES) {
    throw new VaultError('invalid_key', `Key version ${JSON.stringify(version)} is not a ${KEY_BYTES}-byte key.`);
  }
  let keyObject = keyObjects.get(key);
  if (keyObject === undefined) {
    keyObject = createSecretKey(key);
    keyObjects.set(key, keyObject);
  }
  return keyObject;
}
