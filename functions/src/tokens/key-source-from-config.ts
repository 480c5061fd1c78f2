import type { KeySourceConfig } from '../config/vault-config';
import { fileKeySource } from './file-key-source';
import type { KeySource } from './key-source';
import { lazySecretManagerClient } from './lazy-secret-manager-client';
import { secretManagerKeySource, type SecretVersionAccessor } from './secret-manager-key-source';

export interface KeySourceDeps {
  /** A Secret Manager client to use instead of creating one (the caller then closes it). */
  client?: SecretVersionAccessor;
  /** Epoch milliseconds, for the key cache. */
  now?: () => number;
}

export interface ConfiguredKeySource extends KeySource {
  /** Releases what this function created (the gRPC channel of a Secret Manager client it made). */
  close(): Promise<void>;
}

/**
 * The key source the configuration asks for. A file source is read and checked here, so a bad
 * key file fails start-up; a Secret Manager source (and its client library) is first loaded by
 * the first seal or open.
 */
export function keySourceFromConfig(config: KeySourceConfig, deps: KeySourceDeps = {}): ConfiguredKeySource {
  if (config.kind === 'file') return { ...fileKeySource(config.path), close: async () => {} };
  const fromSecretManager = (client: SecretVersionAccessor): KeySource =>
    secretManagerKeySource({
      client,
      secret: config.secret,
      cacheTtlSeconds: config.cacheTtlSeconds,
      ...(deps.now ? { now: deps.now } : {}),
    });
  if (deps.client) return { ...fromSecretManager(deps.client), close: async () => {} };
  const client = lazySecretManagerClient({ emulatorHost: config.emulatorHost });
  return { ...fromSecretManager(client), close: () => client.close() };
}
