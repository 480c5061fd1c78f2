import { createHash, type KeyObject, sign } from 'node:crypto';

export type JwtClaims = Readonly<Record<string, unknown>>;

const base64UrlJson = (value: unknown): string => Buffer.from(JSON.stringify(value), 'utf8').toString('base64url');

/** A compact RS256 JWS, header `{alg, kid, typ}` in the order Google writes it. */
export function signRs256Jwt(claims: JwtClaims, key: { kid: string; privateKey: KeyObject }): string {
  const signingInput = `${base64UrlJson({ alg: 'RS256', kid: key.kid, typ: 'JWT' })}.${base64UrlJson(claims)}`;
  const signature = sign('sha256', Buffer.from(signingInput, 'ascii'), key.privateKey);
  return `${signingInput}.${signature.toString('base64url')}`;
}

/** OpenID Connect `at_hash`: the left half of SHA-256 of the access token, base64url. */
export function accessTokenHash(accessToken: string): string {
  const digest = createHash('sha256').update(accessToken, 'ascii').digest();
  return digest.subarray(0, digest.length / 2).toString('base64url');
}

/** Claims for test tokens: `overrides` set claims, and a `null` override removes one. */
export function withClaimOverrides(base: Record<string, unknown>, overrides: Readonly<Record<string, unknown>>): Record<string, unknown> {
  const claims = { ...base };
  for (const [name, value] of Object.entries(overrides)) {
    if (value === null) delete claims[name];
    else claims[name] = value;
  }
  return claims;
}
