import { createHash, randomBytes } from 'node:crypto';

/**
 * Identifiers shaped like Drive's, so product code that stores or validates them meets the real
 * thing: file ids are 33 URL-safe characters starting with "1"; folder ids of the special spaces
 * start with "0A" like Drive's root and app data folder ids.
 */
const ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';

function randomChars(count: number): string {
  const bytes = randomBytes(count);
  let out = '';
  for (const byte of bytes) out += ALPHABET[byte & 63];
  return out;
}

export function newFileId(): string {
  return `1${randomChars(32)}`;
}

export function newFolderId(): string {
  return `0A${randomChars(17)}Uk9PVA`;
}

export function newUploadId(): string {
  return `ADPycd${randomChars(60)}`;
}

/** Drive's permission ids are long digit strings, stable per account. */
export function permissionIdFor(sub: string): string {
  const digest = createHash('sha256').update(sub).digest();
  return (digest.readBigUInt64BE(0) % 10n ** 20n).toString().padStart(20, '0');
}
