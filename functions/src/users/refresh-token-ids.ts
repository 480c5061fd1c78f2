import { createHash } from 'node:crypto';

/**
 * Identifiers of a stored refresh token, so a Cross-Account Protection `token-revoked` event can
 * find the user holding it without decrypting every token. Google names a token either by its
 * first 16 characters (`prefix`) or by `hash_base64_sha512_sha512`: SHA-512 over the raw SHA-512
 * digest of the token, base64-encoded. Neither form is stored as Google sends it: the prefix is
 * kept only as a SHA-256 (a plaintext prefix would be 16 characters of a live secret), and the
 * double hash is re-encoded canonically, so both sides of the match go through the same function.
 * Each identifier is tagged with its kind and stored in one array, queried with `array-contains`.
 */
export const TOKEN_PREFIX_LENGTH = 16;
const SHA512_BYTES = 64;

export type TokenIdentifierAlg = 'prefix' | 'hash_base64_sha512_sha512';

/** What to store beside a sealed refresh token (the `refreshTokenIds` field). */
export function refreshTokenIds(refreshToken: string): string[] {
  const inner = createHash('sha512').update(refreshToken, 'utf8').digest();
  return [prefixId(refreshToken.slice(0, TOKEN_PREFIX_LENGTH)), doubleHashId(createHash('sha512').update(inner).digest())];
}

/** A stored refresh token as two records of a user hold it: sealed, and (since issue 9) identified. */
export interface HeldRefreshToken {
  refreshToken?: { ciphertext: string } | undefined;
  refreshTokenIds?: readonly string[] | undefined;
}

/**
 * Whether two records hold the same refresh token: by `refreshTokenIds`, which follow the token
 * itself (a key rotation's re-seal keeps them while the ciphertext changes), else by the sealed bytes.
 */
export function sameRefreshToken(a: HeldRefreshToken, b: HeldRefreshToken): boolean {
  if (a.refreshTokenIds && b.refreshTokenIds) return a.refreshTokenIds.join(' ') === b.refreshTokenIds.join(' ');
  return a.refreshToken?.ciphertext === b.refreshToken?.ciphertext;
}

/**
 * The stored identifier a security event's token subject matches, or undefined when the
 * algorithm is unknown or the value cannot be one (so nothing is matched by accident).
 */
export function refreshTokenIdFromEvent(alg: string, token: string): string | undefined {
  if (alg === 'prefix') return token.length === TOKEN_PREFIX_LENGTH ? prefixId(token) : undefined;
  if (alg === 'hash_base64_sha512_sha512') {
    // Accept standard or URL-safe base64, padded or not: the 64 bytes are what identify the token.
    if (!/^[A-Za-z0-9+/_-]+={0,2}$/.test(token)) return undefined;
    const digest = Buffer.from(token, 'base64');
    return digest.length === SHA512_BYTES ? doubleHashId(digest) : undefined;
  }
  return undefined;
}

function prefixId(prefix: string): string {
  return `prefix-sha256:${createHash('sha256').update(prefix, 'utf8').digest('base64url')}`;
}

function doubleHashId(digest: Buffer): string {
  return `sha512-sha512:${digest.toString('base64url')}`;
}
