import { createRemoteJWKSet, type JWTVerifyGetKey } from 'jose';
import { z } from 'zod';
import { AppError } from '../errors/app-error';
import type { RiscConfig } from './risc-config';

/** What verifying a security event token needs: the issuer to expect and Google's signing keys by kid. */
export interface RiscTrust {
  issuer: string;
  keys: JWTVerifyGetKey;
}

export type RiscDiscovery = () => Promise<RiscTrust>;

const discoveryDocument = z.object({ issuer: z.string().min(1), jwks_uri: z.url({ protocol: /^https?$/ }) });

/** jose re-fetches the key set for an unknown kid (a rotation), at most this often. */
const UNKNOWN_KID_COOLDOWN_MS = 30_000;
const STALE_RETRY_MS = 60_000;

/**
 * Reads RISC_CONFIG_URL and keeps the answer for `cacheSeconds`; the key set comes from its
 * `jwks_uri` through jose's remote JWK set (cached as long, re-fetched on an unknown kid, with a
 * timeout). When a refresh fails, the last good document is used; with none, the receiver answers
 * 503 so Google delivers the event again later.
 */
export function createRiscDiscovery(config: RiscConfig, now: () => number = Date.now): RiscDiscovery {
  let cached: { trust: RiscTrust; jwksUri: string; fetchedAt: number } | undefined;
  return async () => {
    if (cached && now() - cached.fetchedAt < config.cacheSeconds * 1000) return cached.trust;
    try {
      const document = await fetchDiscoveryDocument(config);
      const keys =
        cached?.jwksUri === document.jwks_uri
          ? cached.trust.keys
          : createRemoteJWKSet(new URL(document.jwks_uri), {
              timeoutDuration: config.httpTimeoutMs,
              cacheMaxAge: config.cacheSeconds * 1000,
              cooldownDuration: UNKNOWN_KID_COOLDOWN_MS,
            });
      cached = { trust: { issuer: document.issuer, keys }, jwksUri: document.jwks_uri, fetchedAt: now() };
      return cached.trust;
    } catch (cause) {
      if (cached) {
        // Keep serving the last good document; try again in a minute rather than on every event.
        cached.fetchedAt = now() - config.cacheSeconds * 1000 + STALE_RETRY_MS;
        return cached.trust;
      }
      throw new AppError('upstream_unavailable', "Google's RISC configuration could not be read. Try again shortly.", {
        retryAfterSeconds: 30,
        cause,
      });
    }
  };
}

async function fetchDiscoveryDocument(config: RiscConfig): Promise<z.infer<typeof discoveryDocument>> {
  const response = await fetch(config.configUrl, {
    headers: { accept: 'application/json' },
    redirect: 'error',
    signal: AbortSignal.timeout(config.httpTimeoutMs),
  });
  if (response.status !== 200) throw new Error(`RISC configuration answered HTTP ${response.status}`);
  return discoveryDocument.parse(await response.json());
}
