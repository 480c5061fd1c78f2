import { resealStaleTokens } from '../../../functions/src/rotation/reseal-stale-tokens';
import { createTokenVault, type SealedToken, VaultError } from '../../../functions/src/tokens';
import { StaticKeySource } from '../tokens/helpers/static-key-source';

/** The per-user step of a rotation, with a real vault over two in-memory key versions. */
describe('resealStaleTokens', () => {
  function setUp() {
    const keys = new StaticKeySource(['1']);
    const vault = createTokenVault(keys);
    return { keys, vault };
  }

  it('re-seals both fields sealed under an older version; the new ciphertexts open to the same tokens', async () => {
    const { keys, vault } = setUp();
    const stored = { refreshToken: await vault.seal('u1', 'refreshToken', 'refresh-1'), accessToken: await vault.seal('u1', 'accessToken', 'access-1') };
    keys.keys.set('2', Buffer.alloc(32, 7));
    keys.currentVersion = '2';
    const result = await resealStaleTokens(vault, 'u1', stored, '2');
    expect(result.unreadable).toEqual([]);
    expect(result.resealed.refreshToken?.keyVersion).toBe('2');
    expect(result.resealed.accessToken?.keyVersion).toBe('2');
    await expect(vault.open('u1', 'refreshToken', result.resealed.refreshToken!)).resolves.toBe('refresh-1');
    await expect(vault.open('u1', 'accessToken', result.resealed.accessToken!)).resolves.toBe('access-1');
  });

  it('leaves current and absent fields alone', async () => {
    const { vault } = setUp();
    const current = { refreshToken: await vault.seal('u1', 'refreshToken', 'r') };
    expect(await resealStaleTokens(vault, 'u1', current, '1')).toEqual({ resealed: {}, unreadable: [] });
    expect(await resealStaleTokens(vault, 'u1', { email: 'x@example.com' }, '1')).toEqual({ resealed: {}, unreadable: [] });
  });

  it('reports a tampered token, a token bound to another user, and a non-token value, and re-seals the rest', async () => {
    const { keys, vault } = setUp();
    const good = await vault.seal('u1', 'accessToken', 'access');
    const others = await vault.seal('someone-else', 'refreshToken', 'not yours');
    keys.keys.set('2', Buffer.alloc(32, 9));
    keys.currentVersion = '2';
    const swapped = await resealStaleTokens(vault, 'u1', { refreshToken: others, accessToken: good }, '2');
    expect(swapped.unreadable).toEqual([{ field: 'refreshToken', code: 'decrypt_failed' }]);
    expect(Object.keys(swapped.resealed)).toEqual(['accessToken']);
    const garbage = await resealStaleTokens(vault, 'u1', { refreshToken: { alg: 'A256GCM', keyVersion: '1' } }, '2');
    expect(garbage.unreadable).toEqual([{ field: 'refreshToken', code: 'decrypt_failed' }]);
  });

  it('reports a token whose key version is gone for good', async () => {
    const { keys, vault } = setUp();
    const stored: SealedToken = await vault.seal('u1', 'refreshToken', 'r');
    keys.keys.delete('1');
    keys.keys.set('2', Buffer.alloc(32, 1));
    keys.currentVersion = '2';
    expect((await resealStaleTokens(vault, 'u1', { refreshToken: stored }, '2')).unreadable).toEqual([{ field: 'refreshToken', code: 'key_unavailable' }]);
  });

  it('throws when a key may come back (transient) or the current key cannot seal: the call must stop, not skip users', async () => {
    const { keys, vault } = setUp();
    const stored = { refreshToken: await vault.seal('u1', 'refreshToken', 'r') };
    keys.keys.set('2', Buffer.alloc(32, 1));
    keys.currentVersion = '2';
    const flaky = createTokenVault({
      current: () => keys.current(),
      byVersion: () => Promise.reject(new VaultError('key_unavailable', 'Secret Manager is down', { transient: true })),
      newest: () => keys.newest(),
    });
    await expect(resealStaleTokens(flaky, 'u1', stored, '2')).rejects.toMatchObject({ code: 'key_unavailable', transient: true });
    const cannotSeal = createTokenVault({
      current: () => Promise.resolve({ version: '2', key: Buffer.alloc(5) }),
      byVersion: (v) => (v === '2' ? Promise.resolve(Buffer.alloc(5)) : keys.byVersion(v)),
      newest: () => keys.newest(),
    });
    await expect(resealStaleTokens(cannotSeal, 'u1', stored, '2')).rejects.toMatchObject({ code: 'invalid_key' });
  });
});
