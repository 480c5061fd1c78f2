import { type KeyObject, sign } from 'node:crypto';

const base64UrlJson = (value: unknown): string => Buffer.from(JSON.stringify(value), 'utf8').toString('base64url');

export interface AppCheckJwtHeader {
  alg: 'RS256' | 'none';
  kid: string;
  typ: string;
}

/**
 * A compact JWS as Firebase App Check writes it (header `{kid, typ, alg}`). `alg: "none"` yields an
 * unsigned token with an empty signature: the classic forgery a verifier must refuse.
 */
export function signAppCheckJwt(header: AppCheckJwtHeader, claims: Record<string, unknown>, privateKey: KeyObject): string {
  const signingInput = `${base64UrlJson({ kid: header.kid, typ: header.typ, alg: header.alg })}.${base64UrlJson(claims)}`;
  if (header.alg === 'none') return `${signingInput}.`;
  return `${signingInput}.${sign('sha256', Buffer.from(signingInput, 'ascii'), privateKey).toString('base64url')}`;
}
