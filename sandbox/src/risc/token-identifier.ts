import { createHash } from 'node:crypto';

/**
 * How Google names one refresh token in a `token-revoked` event (Cross-Account Protection guide,
 * "OAuth token identifiers"): `prefix` is its first 16 characters; `hash_base64_sha512_sha512`
 * is SHA-512 over the SHA-512 digest of the token, base64-encoded.
 */
export type TokenIdentifierAlg = 'prefix' | 'hash_base64_sha512_sha512';

export function tokenIdentifier(refreshToken: string, alg: TokenIdentifierAlg): string {
  if (alg === 'prefix') return refreshToken.slice(0, 16);
  const inner = createHash('sha512').update(refreshToken, 'utf8').digest();
  return createHash('sha512').update(inner).digest('base64');
}
