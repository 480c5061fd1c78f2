import { randomBytes } from 'node:crypto';
import { loadKeySourceConfig } from '../../../functions/src/config';
import {
  createTokenVault,
  keySourceFromConfig,
  VaultError,
  type ConfiguredKeySource,
  type SealedToken,
  type TokenField,
  type TokenVault,
} from '../../../functions/src/tokens';
import { addVersion, createSecret, type SecretManagerFixture, startSecretManagerFixture, uniqueSecretName } from './helpers/secret-manager-fixture';

interface Stored {
  userId: string;
  field: TokenField;
  plaintext: string;
  sealed: SealedToken;
}

/**
 * Key rotation end to end, as an operator does it: add a version, wait for the cache, re-seal
 * what is stale, disable the old version. Configuration, client and server are all real.
 */
describe('key rotation with Secret Manager', () => {
  let sm: SecretManagerFixture;
  let secret: string;
  let now = 1_700_000_000_000;
  const sources: ConfiguredKeySource[] = [];

  /** A vault exactly as the product builds one from its environment. */
  function vaultFromEnvironment(): TokenVault {
    const config = loadKeySourceConfig({
      TOKEN_KEY_SECRET: secret,
      SECRET_MANAGER_EMULATOR_HOST: sm.server.hostPort,
      TOKEN_KEY_CACHE_SECONDS: '60',
    });
    const keys = keySourceFromConfig(config, { now: () => now });
    sources.push(keys);
    return createTokenVault(keys);
  }

  beforeAll(async () => {
    sm = await startSecretManagerFixture();
    secret = uniqueSecretName('rotation');
    await createSecret(sm.client, secret);
    await addVersion(sm.client, secret, randomBytes(32));
  });
  afterAll(async () => {
    await Promise.all(sources.map((source) => source.close()));
    await sm.close();
  });

  it('new seals use the new version, old ciphertexts still open, and disabling the old version after re-sealing breaks nothing', async () => {
    const vault = vaultFromEnvironment();
    const stored: Stored[] = [];
    for (const userId of ['111', '222', '333']) {
      for (const field of ['refreshToken', 'accessToken'] as const) {
        const plaintext = `${field}-of-${userId}-${randomBytes(8).toString('hex')}`;
        stored.push({ userId, field, plaintext, sealed: await vault.seal(userId, field, plaintext) });
      }
    }
    expect(new Set(stored.map((s) => s.sealed.keyVersion))).toEqual(new Set(['1']));

    // The operator adds version 2 (raw bytes, as `head -c 32 /dev/urandom | gcloud secrets versions add`).
    await addVersion(sm.client, secret, randomBytes(32));
    expect(await vault.currentKeyVersion()).toBe('1'); // cached for TOKEN_KEY_CACHE_SECONDS
    now += 60_000;
    expect(await vault.currentKeyVersion()).toBe('2');
    const fresh = await vault.seal('444', 'refreshToken', 'after-rotation');
    expect(fresh.keyVersion).toBe('2');
    for (const s of stored) await expect(vault.open(s.userId, s.field, s.sealed)).resolves.toBe(s.plaintext);

    // Re-seal what is stale (what rewrapTokens does, page by page).
    const current = await vault.currentKeyVersion();
    const stale = stored.filter((s) => s.sealed.keyVersion !== current);
    expect(stale).toHaveLength(stored.length);
    const originals = stored.map((s) => s.sealed);
    for (const s of stale) s.sealed = await vault.seal(s.userId, s.field, await vault.open(s.userId, s.field, s.sealed));
    expect(new Set(stored.map((s) => s.sealed.keyVersion))).toEqual(new Set(['2']));

    // Disable version 1: a new instance (empty cache) and an old one (after its cache expires) both keep working.
    await sm.client.disableSecretVersion({ name: `${secret}/versions/1` });
    now += 3_600_000;
    for (const instance of [vault, vaultFromEnvironment()]) {
      for (const s of stored) await expect(instance.open(s.userId, s.field, s.sealed)).resolves.toBe(s.plaintext);
      await expect(instance.open('444', 'refreshToken', fresh)).resolves.toBe('after-rotation');
      expect((await instance.seal('555', 'accessToken', 'x')).keyVersion).toBe('2');
    }

    // And version 1 really is out of use: a ciphertext nobody re-sealed no longer opens.
    const leftBehind = originals[0];
    const error = await vaultFromEnvironment()
      .open('111', 'refreshToken', leftBehind as SealedToken)
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(VaultError);
    expect(error).toMatchObject({ code: 'key_unavailable', transient: false });
  });
});
