import { KEY_BYTES } from './key-source';

/**
 * Turns a stored key payload into 32 key bytes. Two encodings are accepted:
 * - raw: exactly 32 bytes (what `head -c 32 /dev/urandom | gcloud secrets versions add ... --data-file=-`
 *   writes; the recommended form for Secret Manager);
 * - text: the base64 (or base64url) of 32 bytes, optionally surrounded by whitespace (the key file form).
 * The two cannot be confused: base64 of 32 bytes is 43-44 characters, never 32.
 * Returns undefined when the payload is neither; the caller words the error (without the payload).
 */
export function decodeKeyMaterial(payload: Uint8Array): Buffer | undefined {
  if (payload.length === KEY_BYTES) return Buffer.from(payload);
  return decodeBase64Key(Buffer.from(payload).toString('latin1'));
}

/** Standard or URL-safe alphabet, padding optional. Node's base64 decoder reads both alphabets. */
const BASE64_TEXT = /^[A-Za-z0-9+/_-]+={0,2}$/;

/** Strict base64 decoding: Buffer.from(text, 'base64') silently skips junk, which would hide a bad key. */
export function decodeBase64Key(text: string): Buffer | undefined {
  const trimmed = text.trim();
  if (!BASE64_TEXT.test(trimmed)) return undefined;
  const key = Buffer.from(trimmed, 'base64');
  return key.length === KEY_BYTES ? key : undefined;
}
