import fc from 'fast-check';
import {
  associatedData,
  createTokenVault,
  isSealedToken,
  VaultError,
  type KeySource,
  type SealedToken,
} from '../../../functions/src/tokens';
import { StaticKeySource } from './helpers/static-key-source';

const REFRESH = '1//0gSandboxRefreshToken-abcdefghijklmnopqrstuvwxyz0123456789';

/** Flips one bit of a base64url field, keeping it valid base64url of the same length. */
function flipBit(field: string, byteIndex = 0): string {
  const bytes = Buffer.from(field, 'base64url');
  bytes[byteIndex] = (bytes[byteIndex] ?? 0) ^ 0x01;
  return bytes.toString('base64url');
}

async function expectVaultError(promise: Promise<unknown>, code: VaultError['code']): Promise<VaultError> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(VaultError);
  expect((error as VaultError).code).toBe(code);
  return error as VaultError;
}

describe('token vault', () => {
  const keys = new StaticKeySource(['1']);
  const vault = createTokenVault(keys);

  it('round-trips a token and records the key version', async () => {
    const sealed = await vault.seal('user-1', 'refreshToken', REFRESH);
    expect(sealed.alg).toBe('A256GCM');
    expect(sealed.keyVersion).toBe('1');
    expect(Buffer.from(sealed.iv, 'base64url')).toHaveLength(12);
    expect(Buffer.from(sealed.tag, 'base64url')).toHaveLength(16);
    expect(JSON.stringify(sealed)).not.toContain(REFRESH);
    await expect(vault.open('user-1', 'refreshToken', sealed)).resolves.toBe(REFRESH);
  });

  it('uses a fresh IV for every seal, so equal tokens give different ciphertexts', async () => {
    const seals = await Promise.all(Array.from({ length: 50 }, () => vault.seal('user-1', 'accessToken', 'same')));
    expect(new Set(seals.map((s) => s.iv)).size).toBe(50);
    expect(new Set(seals.map((s) => s.ciphertext + s.tag)).size).toBe(50);
  });

  it('survives JSON (and so a Firestore map): plain strings only', async () => {
    const sealed = await vault.seal('user-1', 'refreshToken', REFRESH);
    const copy = JSON.parse(JSON.stringify(sealed)) as SealedToken;
    expect(Object.values(copy).every((v) => typeof v === 'string')).toBe(true);
    await expect(vault.open('user-1', 'refreshToken', copy)).resolves.toBe(REFRESH);
  });

  it("refuses another user's ciphertext", async () => {
    const sealed = await vault.seal('user-1', 'refreshToken', REFRESH);
    await expectVaultError(vault.open('user-2', 'refreshToken', sealed), 'decrypt_failed');
  });

  it('refuses a ciphertext moved to the other field', async () => {
    const sealed = await vault.seal('user-1', 'accessToken', 'ya29.access');
    await expectVaultError(vault.open('user-1', 'refreshToken', sealed), 'decrypt_failed');
  });

  it('binds the whole user id: a user id that is a prefix or contains the separator does not match', async () => {
    const sealed = await vault.seal('user|1', 'refreshToken', REFRESH);
    await expectVaultError(vault.open('user', 'refreshToken', sealed), 'decrypt_failed');
    await expectVaultError(vault.open('user|1|refreshToken', 'refreshToken', sealed), 'decrypt_failed');
    expect(associatedData('u', 'refreshToken').toString()).toBe('offline-access/v1|u|refreshToken');
  });

  it.each(['ciphertext', 'tag', 'iv'] as const)('detects a tampered %s', async (part) => {
    const sealed = await vault.seal('user-1', 'refreshToken', REFRESH);
    const tampered = { ...sealed, [part]: flipBit(sealed[part], 3) };
    const error = await expectVaultError(vault.open('user-1', 'refreshToken', tampered), 'decrypt_failed');
    expect(error.message).not.toContain(REFRESH);
    expect(error.message).not.toContain(sealed.ciphertext);
  });

  it('detects a truncated or extended ciphertext', async () => {
    const sealed = await vault.seal('user-1', 'refreshToken', REFRESH);
    const bytes = Buffer.from(sealed.ciphertext, 'base64url');
    await expectVaultError(vault.open('user-1', 'refreshToken', { ...sealed, ciphertext: bytes.subarray(1).toString('base64url') }), 'decrypt_failed');
    await expectVaultError(
      vault.open('user-1', 'refreshToken', { ...sealed, ciphertext: Buffer.concat([bytes, Buffer.from([0])]).toString('base64url') }),
      'decrypt_failed',
    );
  });

  it.each([
    ['null', null],
    ['a string', 'ciphertext'],
    ['an array', []],
    ['a wrong alg', { alg: 'A128GCM', keyVersion: '1', iv: 'AAAAAAAAAAAAAAAA', ciphertext: '', tag: 'AAAAAAAAAAAAAAAAAAAAAA' }],
    ['a short IV', { alg: 'A256GCM', keyVersion: '1', iv: 'AAAA', ciphertext: '', tag: 'AAAAAAAAAAAAAAAAAAAAAA' }],
    ['a short tag', { alg: 'A256GCM', keyVersion: '1', iv: 'AAAAAAAAAAAAAAAA', ciphertext: '', tag: 'AAAA' }],
    ['non-base64url bytes', { alg: 'A256GCM', keyVersion: '1', iv: 'AAAAAAAAAAAAAAAA', ciphertext: 'a+b/', tag: 'AAAAAAAAAAAAAAAAAAAAAA' }],
    ['a missing key version', { alg: 'A256GCM', iv: 'AAAAAAAAAAAAAAAA', ciphertext: '', tag: 'AAAAAAAAAAAAAAAAAAAAAA' }],
  ])('rejects a malformed value (%s) as decrypt_failed', async (_label, value) => {
    expect(isSealedToken(value)).toBe(false);
    await expectVaultError(vault.open('user-1', 'refreshToken', value as unknown as SealedToken), 'decrypt_failed');
  });

  it('names an unknown key version as key_unavailable', async () => {
    const sealed = await vault.seal('user-1', 'refreshToken', REFRESH);
    await expectVaultError(vault.open('user-1', 'refreshToken', { ...sealed, keyVersion: '9' }), 'key_unavailable');
  });

  it('fails to open under a different key of the same version label', async () => {
    const sealed = await vault.seal('user-1', 'refreshToken', REFRESH);
    const otherKeys = new StaticKeySource(['1']);
    await expectVaultError(createTokenVault(otherKeys).open('user-1', 'refreshToken', sealed), 'decrypt_failed');
  });

  it('seals with the current version and opens older ones by the version they recorded', async () => {
    const rotating = new StaticKeySource(['1', '2']);
    rotating.currentVersion = '1';
    const rotatingVault = createTokenVault(rotating);
    const old = await rotatingVault.seal('user-1', 'refreshToken', 'old');
    rotating.currentVersion = '2';
    const fresh = await rotatingVault.seal('user-1', 'refreshToken', 'new');
    expect([old.keyVersion, fresh.keyVersion]).toEqual(['1', '2']);
    await expect(rotatingVault.currentKeyVersion()).resolves.toBe('2');
    await expect(rotatingVault.open('user-1', 'refreshToken', old)).resolves.toBe('old');
    await expect(rotatingVault.open('user-1', 'refreshToken', fresh)).resolves.toBe('new');
  });

  it('seals under an exact version when asked (rotation pins its target), whatever the current one is', async () => {
    const rotating = new StaticKeySource(['1', '2', '3']);
    rotating.currentVersion = '3';
    const rotatingVault = createTokenVault(rotating);
    const pinned = await rotatingVault.seal('user-1', 'accessToken', 'pinned', { keyVersion: '2' });
    expect(pinned.keyVersion).toBe('2');
    await expect(rotatingVault.open('user-1', 'accessToken', pinned)).resolves.toBe('pinned');
    await expectVaultError(rotatingVault.seal('user-1', 'accessToken', 'x', { keyVersion: '9' }), 'key_unavailable');
  });

  it('refuses a key that is not 32 bytes as invalid_key, for seal, open and the current version', async () => {
    const short: KeySource = {
      current: async () => ({ version: '1', key: Buffer.alloc(16) }),
      byVersion: async () => Buffer.alloc(16),
      newest: async () => ({ version: '1', settledAt: new Date(0) }),
    };
    await expectVaultError(createTokenVault(short).seal('user-1', 'refreshToken', REFRESH), 'invalid_key');
    await expectVaultError(createTokenVault(short).currentKeyVersion(), 'invalid_key');
    const sealed = await vault.seal('user-1', 'refreshToken', REFRESH);
    await expectVaultError(createTokenVault(short).open('user-1', 'refreshToken', sealed), 'invalid_key');
  });

  it('turns an unexpected key source failure into key_unavailable without its message', async () => {
    const broken: KeySource = {
      current: async () => {
        throw new Error('socket hang up near key=c2VjcmV0');
      },
      byVersion: async () => {
        throw new Error('socket hang up near key=c2VjcmV0');
      },
      newest: async () => {
        throw new Error('socket hang up near key=c2VjcmV0');
      },
    };
    const sealError = await expectVaultError(createTokenVault(broken).seal('user-1', 'refreshToken', REFRESH), 'key_unavailable');
    expect(sealError.message).not.toContain('c2VjcmV0');
    const sealed = await vault.seal('user-1', 'refreshToken', REFRESH);
    const openError = await expectVaultError(createTokenVault(broken).open('user-1', 'refreshToken', sealed), 'key_unavailable');
    expect(openError.message).not.toContain('c2VjcmV0');
    const newestError = await expectVaultError(createTokenVault(broken).newestKeyVersion(), 'key_unavailable');
    expect(newestError.message).not.toContain('c2VjcmV0');
  });

  it('rejects a missing user id or an unknown field before touching keys', async () => {
    await expect(vault.seal('', 'refreshToken', REFRESH)).rejects.toThrow(TypeError);
    await expect(vault.seal('user-1', 'idToken' as never, REFRESH)).rejects.toThrow(TypeError);
  });

  it('round-trips any text for any user, and never opens for another user (property)', async () => {
    await fc.assert(
      fc.asyncProperty(fc.string({ minLength: 1 }), fc.string({ minLength: 1 }), fc.string({ unit: 'grapheme' }), async (userA, userB, text) => {
        const sealed = await vault.seal(userA, 'refreshToken', text);
        expect(isSealedToken(sealed)).toBe(true);
        await expect(vault.open(userA, 'refreshToken', sealed)).resolves.toBe(text);
        if (userA !== userB) await expectVaultError(vault.open(userB, 'refreshToken', sealed), 'decrypt_failed');
      }),
      { numRuns: 200 },
    );
  });
});
