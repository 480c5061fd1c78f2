import { z } from 'zod';
import { decodeOpaqueCursor, encodeOpaqueCursor } from '../../users/sweep/opaque-cursor';

/**
 * Where a shard backfill stands: passes over the users in document-id order, each giving a shard
 * to every user without one. "Done" is said at the end of a pass that changed nobody: one that
 * gave shards (or met a concurrent write) is followed by another.
 */
export interface BackfillCursor {
  /** Document id of the last user of the last finished page; undefined at the start of a pass. */
  after: string | undefined;
  pass: number;
  /** Users this pass gave a shard to, or skipped for a concurrent write. */
  changed: number;
}

export const START_BACKFILL: BackfillCursor = { after: undefined, pass: 1, changed: 0 };

const cursorSchema = z.strictObject({
  v: z.literal(1),
  after: z.string().min(1).max(1500).optional(),
  pass: z.number().int().min(1).max(1_000_000),
  changed: z.number().int().min(0).max(1_000_000_000),
});

export function encodeBackfillCursor(cursor: BackfillCursor): string {
  return encodeOpaqueCursor({ v: 1, ...(cursor.after === undefined ? {} : { after: cursor.after }), pass: cursor.pass, changed: cursor.changed });
}

export function decodeBackfillCursor(text: string): BackfillCursor | undefined {
  const wire = decodeOpaqueCursor(text, cursorSchema);
  return wire && { after: wire.after, pass: wire.pass, changed: wire.changed };
}
