import { accessKeyVersion, type AccessSettings, type KeyVersion, type SecretVersionAccessor } from './secret-manager-access';
import type { KeySource } from './key-source';
import type { RetryDeps, RetryPolicy } from '../retry/retry';
import { TtlCache } from './ttl-cache';
import { VaultError } from './vault-error';

export type { SecretVersionAccessor } from './secret-manager-access';

export interface SecretManagerKeySourceOptions {
  client: SecretVersionAccessor;
  /** `projects/P/secrets/S`. */
  secret: string;
  /** How long `latest` is trusted: bounds how long a rotation takes to reach new seals. */
  cacheTtlSeconds: number;
  /** How long an exact version is kept. Its bytes never change, but disabling or destroying it
   * should take effect eventually, so it is not kept forever. Default 1 hour. */
  versionCacheTtlSeconds?: number;
  /** Epoch milliseconds. */
  now?: () => number;
  /** Per-attempt deadline of each Secret Manager call. Default 5 s. */
  callTimeoutMs?: number;
  retry?: RetryPolicy;
  retryDeps?: RetryDeps;
}

export const DEFAULT_VERSION_CACHE_TTL_SECONDS = 3600;
export const DEFAULT_CALL_TIMEOUT_MS = 5_000;
/** Worst case about 4 x 5 s plus under 1.4 s of waiting: within one HTTP request's patience. */
export const DEFAULT_SECRET_MANAGER_RETRY: RetryPolicy = { maxAttempts: 4, baseDelayMs: 100, maxDelayMs: 1_000 };

const LATEST = 'latest';
const VERSION_NUMBER = /^[1-9][0-9]*$/;

/**
 * Keys from Secret Manager: new seals use `latest` (its real number learned from the response),
 * old ciphertexts open with the exact version they recorded, so adding a version rotates the key
 * without touching stored data. Both are cached in memory; concurrent misses share one call.
 */
export function secretManagerKeySource(options: SecretManagerKeySourceOptions): KeySource {
  const access: AccessSettings = {
    client: options.client,
    callTimeoutMs: options.callTimeoutMs ?? DEFAULT_CALL_TIMEOUT_MS,
    retry: options.retry ?? DEFAULT_SECRET_MANAGER_RETRY,
    retryDeps: options.retryDeps ?? {},
  };
  const latestTtlMs = options.cacheTtlSeconds * 1000;
  const versionTtlMs = (options.versionCacheTtlSeconds ?? DEFAULT_VERSION_CACHE_TTL_SECONDS) * 1000;
  const latest = new TtlCache<KeyVersion>(options.now ?? Date.now);
  const versions = new TtlCache<Buffer>(options.now ?? Date.now);
  const versionName = (version: string): string => `${options.secret}/versions/${version}`;

  return {
    current: () =>
      latest.get(LATEST, latestTtlMs, async () => {
        const resolved = await accessKeyVersion(access, versionName(LATEST));
        // The newest version is also what the next `open` of a fresh seal asks for.
        versions.set(resolved.version, resolved.key, versionTtlMs);
        return resolved;
      }),

    byVersion: (version) => {
      if (!VERSION_NUMBER.test(version)) {
        return Promise.reject(new VaultError('key_unavailable', `Key version ${JSON.stringify(version)} is not a Secret Manager version number.`));
      }
      return versions.get(version, versionTtlMs, async () => (await accessKeyVersion(access, versionName(version))).key);
    },
  };
}
