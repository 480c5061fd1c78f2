import { z } from 'zod';

/**
 * Where a rewrap run stands, handed to the operator as an opaque string so the next call resumes
 * exactly there. A run is one or more passes over the users in document-id order; a pass in which
 * a concurrent write made us skip a user is followed by another, so "done" means every token was
 * re-sealed (or is unreadable and was reported), not merely that the scan reached the end.
 */
export interface RewrapCursor {
  /** Document id of the last user of the last finished page; undefined at the start of a pass. */
  after: string | undefined;
  /** 1 for the first pass over the collection. */
  pass: number;
  /** Users skipped in this pass because someone wrote them between our read and our write. */
  conflicts: number;
}

export const START_CURSOR: RewrapCursor = { after: undefined, pass: 1, conflicts: 0 };

/** Firestore document ids are at most 1500 bytes; base64url of JSON around one stays well under this. */
export const MAX_CURSOR_LENGTH = 4096;

const cursorSchema = z.strictObject({
  v: z.literal(1),
  after: z.string().min(1).max(1500).optional(),
  pass: z.number().int().min(1).max(1_000_000),
  conflicts: z.number().int().min(0).max(1_000_000_000),
});

export function encodeCursor(cursor: RewrapCursor): string {
  const wire = { v: 1, ...(cursor.after === undefined ? {} : { after: cursor.after }), pass: cursor.pass, conflicts: cursor.conflicts };
  return Buffer.from(JSON.stringify(wire), 'utf8').toString('base64url');
}

/** Undefined for anything this function did not issue (it says nothing more: it is operator input). */
export function decodeCursor(text: string): RewrapCursor | undefined {
  if (text.length === 0 || text.length > MAX_CURSOR_LENGTH || !/^[A-Za-z0-9_-]+$/.test(text)) return undefined;
  let parsed: unknown;
  try {
    parsed = JSON.parse(Buffer.from(text, 'base64url').toString('utf8'));
  } catch {
    return undefined;
  }
  const result = cursorSchema.safeParse(parsed);
  if (!result.success) return undefined;
  return { after: result.data.after, pass: result.data.pass, conflicts: result.data.conflicts };
}
