import type { Firestore } from '@google-cloud/firestore';
import type { Logger } from '../../logging/logger';
import { sweepPage, sweepWriter } from '../../users/sweep/sweep-page';
import { type BackfillCursor, encodeBackfillCursor } from './backfill-cursor';
import { type DueIndex, drawShard } from './due-index';

export interface BackfillDeps {
  db: Firestore;
  collection: string;
  dueIndex: DueIndex;
  /** DUE_SHARDS: the range new shards are drawn from, as at sign-in. */
  shards: number;
  random: () => number;
  /** Users per Firestore page; only the shard field is read. */
  pageSize: number;
  /** A call starts no new page after this long and answers with a cursor. */
  budgetSeconds: number;
  now: () => Date;
  logger: Logger;
}

export interface BackfillResult {
  scanned: number;
  /** Users given a shard by this call. */
  assigned: number;
  /** Users written by someone else between our read and our write; a later pass re-reads them. */
  skipped: number;
  /** True when a whole pass found every user with a shard: the dispatcher stops looking for users without one. */
  done: boolean;
  /** Pass it back to continue; null when done. */
  nextCursor: string | null;
}

/**
 * One operator call of `backfillShards`, for a database written before sharding: gives every user
 * without a `shard` one, drawn like a sign-in draws it, page by page in document-id order with
 * writes conditioned on each document's update time (a sign-in, worker run or disconnect in
 * between wins; the next pass re-reads that user). At the end of a pass that changed nobody it
 * records in the due index that the backfill is done. Idempotent and resumable: a user with a
 * shard is never written, so calls can be repeated, and the cursor resumes exactly.
 */
export async function backfillShards(start: BackfillCursor, deps: BackfillDeps): Promise<BackfillResult> {
  const deadline = deps.now().getTime() + deps.budgetSeconds * 1000;
  const totals = { scanned: 0, assigned: 0, skipped: 0 };
  const answer = (next: BackfillCursor | null): BackfillResult => ({ ...totals, done: next === null, nextCursor: next === null ? null : encodeBackfillCursor(next) });
  const writer = sweepWriter(deps.db);
  let cursor = start;
  try {
    for (;;) {
      const page = await sweepPage(deps.db, writer, { collection: deps.collection, after: cursor.after, pageSize: deps.pageSize, fields: ['shard'] }, async (doc) =>
        doc.get('shard') === undefined ? { shard: drawShard(deps.shards, deps.random) } : undefined,
      );
      totals.scanned += page.scanned;
      totals.assigned += page.written;
      totals.skipped += page.conflicts;
      cursor = { ...cursor, after: page.last ?? cursor.after, changed: cursor.changed + page.written + page.conflicts };
      if (page.endOfCollection) {
        if (cursor.changed === 0) {
          await deps.dueIndex.markBackfillDone(deps.now());
          return answer(null);
        }
        deps.logger.info('This backfill pass changed users; starting another pass', { pass: cursor.pass, changed: cursor.changed });
        cursor = { after: undefined, pass: cursor.pass + 1, changed: 0 };
      }
      if (deps.now().getTime() >= deadline) return answer(cursor);
    }
  } finally {
    await writer.close();
  }
}
