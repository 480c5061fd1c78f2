import type { Firestore } from '@google-cloud/firestore';
import type { RewrapConfig } from '../config/rewrap-config';
import type { Logger } from '../logging/logger';
import type { TokenVault } from '../tokens/vault';
import { encodeCursor, type RewrapCursor } from './rewrap-cursor';
import { sweepWriter } from '../users/sweep/sweep-page';
import { rewrapPage } from './rewrap-page';

export interface RewrapDeps {
  db: Firestore;
  collection: string;
  vault: TokenVault;
  config: RewrapConfig;
  now: () => Date;
  logger: Logger;
}

export interface RewrapResult {
  /** The key version tokens are re-sealed under: the newest one, read fresh on every call. */
  keyVersion: string;
  scanned: number;
  rewrapped: number;
  /** Users skipped because of a concurrent write in this call; a later pass re-reads them. */
  skipped: number;
  /** Users with a stale token that cannot be opened (first ones listed in failedUserIds). */
  failed: number;
  failedUserIds: string[];
  /**
   * True when a whole pass that began once no instance could still seal with an older version
   * found no token under any other version (except unreadable ones, in failedUserIds): disabling
   * the older versions is then safe.
   */
  done: boolean;
  /** Pass it back to continue; null when done. */
  nextCursor: string | null;
  /** When not done: seconds to wait before the next call (0: at once); null when done. */
  retryAfterSeconds: number | null;
}

/** Enough ids for the operator to look at; the log line of each failure has them all. */
const MAX_LISTED_FAILURES = 50;

/** failedUserIds is a set: a user whose token cannot be opened is met again in every pass. */
type Totals = { scanned: number; rewrapped: number; skipped: number; failedUserIds: Set<string> };

/**
 * One operator call of `rewrapTokens`: pages through the users from the cursor, re-sealing stale
 * tokens under the newest key version, until a clean pass ends (done), a pass ends while the
 * version is too young for a pass to count (answer with the wait), or the time budget is spent
 * (answer with a cursor). At least one page is done per call, so repeated calls always make
 * progress. Idempotent: a token already under the newest key is never rewritten, so calls can be
 * repeated or overlap.
 */
export async function rewrapTokens(start: RewrapCursor, deps: RewrapDeps): Promise<RewrapResult> {
  const deadline = deps.now().getTime() + deps.config.budgetSeconds * 1000;
  // Never from a cache: an instance's cached "current" may still be the version being retired.
  const newest = await deps.vault.newestKeyVersion();
  // Settled: no instance can still seal with an older version, nor still be writing such a seal.
  const settledAt = newest.settledAt.getTime() + deps.config.settleMarginSeconds * 1000;
  const beginPass = (pass: number): RewrapCursor => ({
    after: undefined,
    pass,
    keyVersion: newest.version,
    settled: deps.now().getTime() >= settledAt,
    stale: 0,
  });
  if (start.keyVersion !== undefined && start.keyVersion !== newest.version) {
    deps.logger.info('The newest key version changed since the cursor was issued; starting a new pass', { keyVersion: newest.version });
  }
  // A pass not begun yet is (re)begun now, so it counts as settled if the version is old enough by now.
  let cursor = start.keyVersion === newest.version && start.after !== undefined ? start : beginPass(start.pass);
  const totals: Totals = { scanned: 0, rewrapped: 0, skipped: 0, failedUserIds: new Set() };
  const answer = (next: RewrapCursor | null, retryAfterSeconds: number | null) => result(newest.version, totals, next, retryAfterSeconds);
  // One writer for the call, so its rate limiter ramps across pages instead of starting afresh on each.
  const writer = sweepWriter(deps.db);
  try {
    for (;;) {
      const page = await rewrapPage(deps, writer, { after: cursor.after, pageSize: deps.config.pageSize, currentVersion: newest.version });
      totals.scanned += page.scanned;
      totals.rewrapped += page.rewrapped;
      totals.skipped += page.conflicts;
      for (const id of page.unreadableUserIds) totals.failedUserIds.add(id);
      cursor = { ...cursor, after: page.last ?? cursor.after, stale: cursor.stale + page.rewrapped + page.conflicts };
      if (page.endOfCollection) {
        if (cursor.settled && cursor.stale === 0) return answer(null, null);
        deps.logger.info('This pass cannot say done; starting another pass', { pass: cursor.pass, settled: cursor.settled, stale: cursor.stale });
        cursor = beginPass(cursor.pass + 1);
        // Some instance may still seal with an older version: a pass begun now could not count.
        if (!cursor.settled) return answer(cursor, Math.max(1, Math.ceil((settledAt - deps.now().getTime()) / 1000)));
      }
      if (deps.now().getTime() >= deadline) return answer(cursor, 0);
    }
  } finally {
    await writer.close();
  }
}

function result(keyVersion: string, totals: Totals, next: RewrapCursor | null, retryAfterSeconds: number | null): RewrapResult {
  return {
    keyVersion,
    scanned: totals.scanned,
    rewrapped: totals.rewrapped,
    skipped: totals.skipped,
    failed: totals.failedUserIds.size,
    failedUserIds: [...totals.failedUserIds].slice(0, MAX_LISTED_FAILURES),
    done: next === null,
    nextCursor: next === null ? null : encodeCursor(next),
    retryAfterSeconds,
  };
}
