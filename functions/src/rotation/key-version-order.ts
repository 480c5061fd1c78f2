const VERSION_NUMBER = /^[1-9][0-9]*$/;

/**
 * Whether a token sealed under `version` is stale when new seals use `current`.
 *
 * Secret Manager versions are numbers and only grow, so they compare as numbers: an instance whose
 * cached `latest` is still the old version must never "re-seal" a token written by a fresher
 * instance back under the older key (disabling that key later would then break the token).
 * Anything else (a key file's single version) is stale only when it differs.
 */
export function isOlderKeyVersion(version: string, current: string): boolean {
  if (VERSION_NUMBER.test(version) && VERSION_NUMBER.test(current)) return BigInt(version) < BigInt(current);
  return version !== current;
}
