import type { HttpHandler } from '../../http/types';
import { readCursorRequest } from '../../users/sweep/cursor-request';
import { decodeBackfillCursor, START_BACKFILL } from './backfill-cursor';
import { type BackfillDeps, backfillShards } from './backfill-shards';

/**
 * `backfillShards` (operator-invoked, private): gives every user written before sharding a shard.
 * `POST` with no body, or `{"cursor": "<nextCursor>"}` to resume; answers 200
 * `{"scanned", "assigned", "skipped", "done", "nextCursor"}` until done; 503 storage_unavailable
 * when Firestore is not (what was written stays written: call again with the same cursor).
 */
export function createBackfillHandler(deps: BackfillDeps): HttpHandler {
  return async (request) => {
    const cursor = readCursorRequest(request, decodeBackfillCursor, START_BACKFILL);
    const result = await backfillShards(cursor, deps);
    deps.logger.info('Shard backfill', { ...result, nextCursor: undefined, pass: cursor.pass });
    return { status: 200, body: result };
  };
}
