import { z } from 'zod';
import { decodeOpaqueCursor, encodeOpaqueCursor } from '../users/sweep/opaque-cursor';

/**
 * Where a rewrap run stands, handed to the operator as an opaque string so the next call resumes
 * exactly there. A run is one or more passes over the users in document-id order, each re-sealing
 * to one key version. "Done" is only said at the end of a clean pass: one that began once no
 * instance could still seal with an older version (settled) and found no user with a token under
 * another version. A pass that found some (re-sealed them, or skipped them because someone wrote
 * them meanwhile) is followed by another, because a stale writer may have written behind it.
 */
export interface RewrapCursor {
  /** Document id of the last user of the last finished page; undefined at the start of a pass. */
  after: string | undefined;
  /** 1 for the first pass over the collection. */
  pass: number;
  /** The key version this pass re-seals to; undefined at the start of a run. */
  keyVersion: string | undefined;
  /** The pass began after the version's settledAt (KeySource.newest). */
  settled: boolean;
  /** Users met in this pass with a token under an older version: re-sealed, or skipped for a concurrent write. */
  stale: number;
}

export const START_CURSOR: RewrapCursor = { after: undefined, pass: 1, keyVersion: undefined, settled: false, stale: 0 };

const cursorSchema = z.strictObject({
  v: z.literal(2),
  after: z.string().min(1).max(1500).optional(),
  pass: z.number().int().min(1).max(1_000_000),
  keyVersion: z.string().regex(/^[A-Za-z0-9._-]{1,64}$/).optional(),
  settled: z.boolean(),
  stale: z.number().int().min(0).max(1_000_000_000),
});

export function encodeCursor(cursor: RewrapCursor): string {
  return encodeOpaqueCursor({
    v: 2,
    ...(cursor.after === undefined ? {} : { after: cursor.after }),
    pass: cursor.pass,
    ...(cursor.keyVersion === undefined ? {} : { keyVersion: cursor.keyVersion }),
    settled: cursor.settled,
    stale: cursor.stale,
  });
}

/** Undefined for anything this function did not issue (it says nothing more: it is operator input). */
export function decodeCursor(text: string): RewrapCursor | undefined {
  const wire = decodeOpaqueCursor(text, cursorSchema);
  if (!wire) return undefined;
  const { after, pass, keyVersion, settled, stale } = wire;
  return { after, pass, keyVersion, settled, stale };
}
