import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ConfigError, loadKeySourceConfig } from '../../../functions/src/config';
import { createTokenVault, generateKeyFile, keySourceFromConfig } from '../../../functions/src/tokens';
import { addVersion, createSecret, type SecretManagerFixture, startSecretManagerFixture, uniqueSecretName } from './helpers/secret-manager-fixture';

describe('keySourceFromConfig', () => {
  let sm: SecretManagerFixture;
  let dir: string;
  beforeAll(async () => {
    sm = await startSecretManagerFixture();
    dir = mkdtempSync(join(tmpdir(), 'key-config-'));
  });
  afterAll(async () => {
    rmSync(dir, { recursive: true, force: true });
    await sm.close();
  });

  it('TOKEN_KEY_FILE gives a file key source, version 1', async () => {
    const path = join(dir, 'token-key');
    generateKeyFile(path);
    const keys = keySourceFromConfig(loadKeySourceConfig({ TOKEN_KEY_FILE: path }));
    const vault = createTokenVault(keys);
    const sealed = await vault.seal('u', 'refreshToken', 'rt');
    expect(sealed.keyVersion).toBe('1');
    await expect(vault.open('u', 'refreshToken', sealed)).resolves.toBe('rt');
    await keys.close();
  });

  it('a bad key file stops start-up with a ConfigError naming TOKEN_KEY_FILE', () => {
    const path = join(dir, 'short-key');
    writeFileSync(path, `${randomBytes(16).toString('base64')}\n`);
    const build = () => keySourceFromConfig(loadKeySourceConfig({ TOKEN_KEY_FILE: path }));
    expect(build).toThrow(ConfigError);
    expect(build).toThrow(/TOKEN_KEY_FILE/);
  });

  it('no key configuration at all is refused: plaintext is never a fallback', () => {
    expect(() => loadKeySourceConfig({})).toThrow(/TOKEN_KEY_SECRET or TOKEN_KEY_FILE is required/);
  });

  it('TOKEN_KEY_SECRET + SECRET_MANAGER_EMULATOR_HOST reaches the local server through a client it creates and closes', async () => {
    const secret = uniqueSecretName('config');
    await createSecret(sm.client, secret);
    const key = randomBytes(32);
    await addVersion(sm.client, secret, key);
    const keys = keySourceFromConfig(
      loadKeySourceConfig({ TOKEN_KEY_SECRET: secret, SECRET_MANAGER_EMULATOR_HOST: sm.server.hostPort }),
    );
    const current = await keys.current();
    expect(current.version).toBe('1');
    expect(current.key.equals(key)).toBe(true);
    await keys.close();
  });

  it('uses a given client instead of creating one', async () => {
    const secret = uniqueSecretName('config');
    await createSecret(sm.client, secret);
    await addVersion(sm.client, secret, randomBytes(32));
    const keys = keySourceFromConfig({ kind: 'secret-manager', secret, emulatorHost: undefined, cacheTtlSeconds: 60 }, { client: sm.client });
    await expect(keys.current()).resolves.toMatchObject({ version: '1' });
    await keys.close();
    // The caller's client is still open.
    await expect(sm.client.getSecret({ name: secret })).resolves.toBeDefined();
  });
});
