import { randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ConfigError } from '../../../functions/src/config';
import { createTokenVault, fileKeySource, generateKeyFile, VaultError } from '../../../functions/src/tokens';

describe('file key source', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'key-file-'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  function configErrorFrom(path: string): ConfigError {
    try {
      fileKeySource(path);
    } catch (error) {
      expect(error).toBeInstanceOf(ConfigError);
      return error as ConfigError;
    }
    throw new Error('fileKeySource accepted a bad key file');
  }

  it('generates a 0600 key file in new folders, once, and reads it as version 1', async () => {
    const path = join(dir, 'nested', 'deeper', 'token-key');
    expect(generateKeyFile(path)).toBe('created');
    expect(statSync(path).mode & 0o777).toBe(0o600);
    const text = readFileSync(path, 'utf8');
    expect(text).toMatch(/^[A-Za-z0-9+/]{43}=\n$/);
    expect(Buffer.from(text, 'base64')).toHaveLength(32);

    expect(generateKeyFile(path)).toBe('exists');
    expect(readFileSync(path, 'utf8')).toBe(text);

    const keys = fileKeySource(path);
    const current = await keys.current();
    expect(current.version).toBe('1');
    expect(current.key.equals(Buffer.from(text.trim(), 'base64'))).toBe(true);
    await expect(keys.byVersion('1')).resolves.toEqual(current.key);
  });

  it('gives a working vault; a second key file cannot open its tokens', async () => {
    const first = join(dir, 'a');
    const second = join(dir, 'b');
    generateKeyFile(first);
    generateKeyFile(second);
    const sealed = await createTokenVault(fileKeySource(first)).seal('u', 'refreshToken', 'rt');
    await expect(createTokenVault(fileKeySource(first)).open('u', 'refreshToken', sealed)).resolves.toBe('rt');
    await expect(createTokenVault(fileKeySource(second)).open('u', 'refreshToken', sealed)).rejects.toMatchObject({ code: 'decrypt_failed' });
  });

  it('has no other version', async () => {
    const path = join(dir, 'k');
    generateKeyFile(path);
    await expect(fileKeySource(path).byVersion('2')).rejects.toBeInstanceOf(VaultError);
    await expect(fileKeySource(path).byVersion('2')).rejects.toMatchObject({ code: 'key_unavailable' });
  });

  it('refuses a missing file, naming TOKEN_KEY_FILE', () => {
    const error = configErrorFrom(join(dir, 'absent'));
    expect(error.variables).toEqual(['TOKEN_KEY_FILE']);
    expect(error.message).toContain('does not exist');
  });

  it('refuses a folder', () => {
    expect(configErrorFrom(dir).variables).toEqual(['TOKEN_KEY_FILE']);
  });

  it.each([
    ['not base64', () => 'this is not a key at all!\n'],
    ['base64 of 31 bytes', () => `${randomBytes(31).toString('base64')}\n`],
    ['base64 of 33 bytes', () => `${randomBytes(33).toString('base64')}\n`],
    ['raw 32 bytes', () => randomBytes(32).toString('latin1')],
    ['empty', () => ''],
  ])('refuses %s without quoting the file', (_label, content) => {
    const path = join(dir, 'k');
    const text = content();
    writeFileSync(path, text, 'latin1');
    const error = configErrorFrom(path);
    expect(error.variables).toEqual(['TOKEN_KEY_FILE']);
    expect(error.message).toContain('32-byte key');
    if (text.trim().length > 0) expect(error.message).not.toContain(text.trim().slice(0, 12));
  });
});
