import { randomBytes } from 'node:crypto';
import { VaultError, type KeySource, type NewestKeyVersion } from '../../../../functions/src/tokens';

/**
 * A KeySource over keys held in memory, with a settable current version: the smallest real
 * implementation of the interface, for tests of the vault's own logic.
 */
export class StaticKeySource implements KeySource {
  readonly keys = new Map<string, Buffer>();
  currentVersion: string;
  /** What newest() says about the current version's age (default: settled long ago). */
  settledAt = new Date(0);
  lookups = 0;

  constructor(versions: string[] = ['1']) {
    for (const version of versions) this.keys.set(version, randomBytes(32));
    this.currentVersion = versions.at(-1) ?? '1';
  }

  async current(): Promise<{ version: string; key: Buffer }> {
    return { version: this.currentVersion, key: await this.byVersion(this.currentVersion) };
  }

  async newest(): Promise<NewestKeyVersion> {
    return { version: this.currentVersion, settledAt: this.settledAt };
  }

  async byVersion(version: string): Promise<Buffer> {
    this.lookups += 1;
    const key = this.keys.get(version);
    if (!key) throw new VaultError('key_unavailable', `no key version ${version}`, { gone: true });
    return key;
  }
}
