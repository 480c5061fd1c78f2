import { createHash } from 'node:crypto';
import { driveErrors } from './drive-error';
import type { SortKey } from './file-order';

/**
 * files.list page tokens: opaque to clients, they carry the sort key of the last file returned and
 * a fingerprint of the query, so the next page continues after that file even if files were added
 * meanwhile, and a token reused with a different query is refused as Drive refuses it.
 */
export function fingerprintOf(...parts: readonly string[]): string {
  return createHash('sha256').update(parts.join('\u0000')).digest('base64url').slice(0, 16);
}

export function encodeListPageToken(after: SortKey, fingerprint: string): string {
  return Buffer.from(JSON.stringify({ a: after, f: fingerprint })).toString('base64url');
}

export function decodeListPageToken(token: string, fingerprint: string): SortKey {
  let decoded: unknown;
  try {
    decoded = JSON.parse(Buffer.from(token, 'base64url').toString('utf8'));
  } catch {
    throw driveErrors.invalidParameter('pageToken');
  }
  const { a, f } = (decoded ?? {}) as { a?: unknown; f?: unknown };
  const validKey = Array.isArray(a) && a.every((part) => typeof part === 'string' || typeof part === 'number');
  if (!validKey || f !== fingerprint) throw driveErrors.invalidParameter('pageToken');
  return a as SortKey;
}
