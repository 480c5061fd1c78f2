/**
 * The stored form of an encrypted token. A plain object of strings so it stores as a Firestore map
 * and survives JSON. Binary parts are base64url.
 */
export type TokenField = 'refreshToken' | 'accessToken';

export const TOKEN_FIELDS: readonly TokenField[] = ['refreshToken', 'accessToken'];

export interface SealedToken {
  alg: 'A256GCM';
  /** The key version that sealed it: where `open` gets the key, and what rotation looks for. */
  keyVersion: string;
  iv: string;
  ciphertext: string;
  tag: string;
}

export const IV_BYTES = 12;
export const TAG_BYTES = 16;

const BASE64URL = /^[A-Za-z0-9_-]*$/;
/** Key versions are short labels ("1", "7"); anything else did not come from a key source. */
const KEY_VERSION = /^[A-Za-z0-9._-]{1,64}$/;

/** Shape check only: says nothing about whether the value decrypts. */
export function isSealedToken(value: unknown): value is SealedToken {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return false;
  const candidate = value as Record<string, unknown>;
  return (
    candidate.alg === 'A256GCM' &&
    typeof candidate.keyVersion === 'string' &&
    KEY_VERSION.test(candidate.keyVersion) &&
    isBase64urlOfLength(candidate.iv, IV_BYTES) &&
    isBase64urlOfLength(candidate.tag, TAG_BYTES) &&
    typeof candidate.ciphertext === 'string' &&
    BASE64URL.test(candidate.ciphertext)
  );
}

function isBase64urlOfLength(value: unknown, bytes: number): boolean {
  return typeof value === 'string' && BASE64URL.test(value) && Buffer.from(value, 'base64url').length === bytes;
}

export function isTokenField(value: unknown): value is TokenField {
  return TOKEN_FIELDS.includes(value as TokenField);
}
