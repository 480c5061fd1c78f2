import type { Firestore } from '@google-cloud/firestore';
import { createTokenVault, isSealedToken, VaultError, type SealedToken } from '../../../functions/src/tokens';
import { StaticKeySource } from '../../unit/tokens/helpers/static-key-source';
import { emulatorFirestore } from '../../support/firestore';

/** Sealed tokens as the product stores them: maps inside users/{sub}, on the Firestore emulator. */
describe('sealed tokens in Firestore', () => {
  let db: Firestore;
  const keys = new StaticKeySource(['1', '2']);
  const vault = createTokenVault(keys);
  beforeAll(() => {
    db = emulatorFirestore('vault');
  });
  afterAll(() => db.terminate());

  async function storedSealed(userId: string, field: 'refreshToken' | 'accessToken'): Promise<SealedToken> {
    const value: unknown = (await db.collection('users').doc(userId).get()).get(field);
    expect(isSealedToken(value)).toBe(true);
    return value as SealedToken;
  }

  it('stores as a map with no plaintext and opens after the round trip', async () => {
    const refresh = '1//0gFirestoreRoundTripRefreshToken';
    await db.collection('users').doc('alice').set({ email: 'a@example.com', refreshToken: await vault.seal('alice', 'refreshToken', refresh) });
    const raw = (await db.collection('users').doc('alice').get()).data();
    expect(JSON.stringify(raw)).not.toContain(refresh);
    await expect(vault.open('alice', 'refreshToken', await storedSealed('alice', 'refreshToken'))).resolves.toBe(refresh);
  });

  it("a ciphertext copied into another user's document, or into the other field, does not open", async () => {
    await db.collection('users').doc('bob').set({
      refreshToken: await vault.seal('bob', 'refreshToken', 'bob-refresh'),
      accessToken: await vault.seal('bob', 'accessToken', 'bob-access'),
    });
    await db.collection('users').doc('mallory').set({ refreshToken: await storedSealed('bob', 'refreshToken') });
    await db.collection('users').doc('bob').update({ accessToken: await storedSealed('bob', 'refreshToken') });

    await expect(vault.open('mallory', 'refreshToken', await storedSealed('mallory', 'refreshToken'))).rejects.toMatchObject({ code: 'decrypt_failed' });
    await expect(vault.open('bob', 'accessToken', await storedSealed('bob', 'accessToken'))).rejects.toBeInstanceOf(VaultError);
  });

  it('rotation code can find stale ciphertexts with a query on the recorded key version', async () => {
    keys.currentVersion = '1';
    await db.collection('users').doc('carol').set({ refreshToken: await vault.seal('carol', 'refreshToken', 'c') });
    keys.currentVersion = '2';
    await db.collection('users').doc('dave').set({ refreshToken: await vault.seal('dave', 'refreshToken', 'd') });
    const current = await vault.currentKeyVersion();
    const stale = await db.collection('users').where('refreshToken.keyVersion', '!=', current).get();
    expect(stale.docs.map((d) => d.id)).toEqual(['carol']);
  });
});
