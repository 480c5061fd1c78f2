import { accessKeyVersion, type AccessSettings, describeKeyVersion, type KeyVersion, type SecretVersionAccessor } from './secret-manager-access';
import type { KeySource } from './key-source';
import type { RetryDeps, RetryPolicy } from '../retry/retry';
import { TtlCache } from './ttl-cache';
import { isVaultError, VaultError } from './vault-error';

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
 * `newest()` is never cached: it asks Secret Manager which version `latest` is and when it was
 * created, so key rotation can tell when every instance's cached `latest` has moved to it.
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
  const latest = new TtlCache<KeyVersion | VaultError>(options.now ?? Date.now);
  const versions = new TtlCache<Buffer | VaultError>(options.now ?? Date.now);
  const versionName = (version: string): string => `${options.secret}/versions/${version}`;

  return {
    current: () =>
      cachedAnswer(latest, LATEST, latestTtlMs, async () => {
        const resolved = await accessKeyVersion(access, versionName(LATEST));
        // The newest version is also what the next `open` of a fresh seal asks for.
        versions.set(resolved.version, resolved.key, versionTtlMs);
        return resolved;
      }),

    newest: async () => {
      const { version, createdAt } = await describeKeyVersion(access, versionName(LATEST));
      return { version, settledAt: new Date(createdAt.getTime() + latestTtlMs) };
    },

    byVersion: (version) => {
      if (!VERSION_NUMBER.test(version)) {
        return Promise.reject(new VaultError('key_unavailable', `Key version ${JSON.stringify(version)} is not a Secret Manager version number.`, { gone: true }));
      }
      return cachedAnswer(versions, version, versionTtlMs, async () => (await accessKeyVersion(access, versionName(version))).key);
    },
  };
}

/**
 * A payload that is not a key is an answer too, not a failure to get one: it is kept for the TTL
 * like a key, so a misconfigured version costs one Secret Manager call per TTL, not one per request.
 * Failures to get an answer are not kept (TtlCache): the next call tries again.
 */
async function cachedAnswer<T>(cache: TtlCache<T | VaultError>, key: string, ttlMs: number, load: () => Promise<T>): Promise<T> {
  const answer = await cache.get(key, ttlMs, () =>
    load().catch((error: unknown) => {
      if (isVaultError(error) && error.code === 'invalid_key') return error;
      throw error;
    }),
  );
  if (answer instanceof VaultError) throw answer;
  return answer;
}
