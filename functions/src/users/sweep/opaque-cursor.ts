import type { z } from 'zod';

/** Firestore document ids are at most 1500 bytes; base64url of JSON around one stays well under this. */
export const MAX_CURSOR_LENGTH = 4096;

/**
 * Where a resumable operator call (a sweep over the users) stands, handed out as an opaque
 * base64url string of versioned JSON so the next call resumes exactly there.
 */
export function encodeOpaqueCursor(wire: Record<string, unknown>): string {
  return Buffer.from(JSON.stringify(wire), 'utf8').toString('base64url');
}

/** Undefined for anything the schema's issuer did not issue (it says nothing more: it is operator input). */
export function decodeOpaqueCursor<T>(text: string, schema: z.ZodType<T>): T | undefined {
  if (text.length === 0 || text.length > MAX_CURSOR_LENGTH || !/^[A-Za-z0-9_-]+$/.test(text)) return undefined;
  let parsed: unknown;
  try {
    parsed = JSON.parse(Buffer.from(text, 'base64url').toString('utf8'));
  } catch {
    return undefined;
  }
  const result = schema.safeParse(parsed);
  return result.success ? result.data : undefined;
}
