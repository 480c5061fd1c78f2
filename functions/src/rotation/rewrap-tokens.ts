import type { Firestore } from '@google-cloud/firestore';
import type { RewrapConfig } from '../config/rewrap-config';
import type { Logger } from '../logging/logger';
import type { TokenVault } from '../tokens/vault';
import { encodeCursor, type RewrapCursor } from './rewrap-cursor';
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
  /** The key version tokens are now sealed under. */
  keyVersion: string;
  scanned: number;
  rewrapped: number;
  /** Users skipped because of a concurrent write in this call; a later pass re-reads them. */
  skipped: number;
  /** Users with a stale token that cannot be opened (first ones listed in failedUserIds). */
  failed: number;
  failedUserIds: string[];
  /** True when a whole pass found nothing left to re-seal except unreadable tokens. */
  done: boolean;
  /** Pass it back to continue; null when done. */
  nextCursor: string | null;
}

/** Enough ids for the operator to look at; the log line of each failure has them all. */
const MAX_LISTED_FAILURES = 50;

/**
 * One operator call of `rewrapTokens`: pages through the users from the cursor, re-sealing stale
 * tokens, until a pass ends with no conflicts (done) or the time budget is spent (answer with a
 * cursor). At least one page is done per call, so repeated calls always make progress. Idempotent:
 * a token already under the current key is never rewritten, so calls can be repeated or overlap.
 */
export async function rewrapTokens(start: RewrapCursor, deps: RewrapDeps): Promise<RewrapResult> {
  const deadline = deps.now().getTime() + deps.config.budgetSeconds * 1000;
  const currentVersion = await deps.vault.currentKeyVersion();
  const totals = { scanned: 0, rewrapped: 0, skipped: 0, failedUserIds: [] as string[] };
  let cursor = start;
  do {
    const page = await rewrapPage(deps, { after: cursor.after, pageSize: deps.config.pageSize, currentVersion });
    totals.scanned += page.scanned;
    totals.rewrapped += page.rewrapped;
    totals.skipped += page.conflicts;
    totals.failedUserIds.push(...page.unreadableUserIds);
    cursor = { after: page.last ?? cursor.after, pass: cursor.pass, conflicts: cursor.conflicts + page.conflicts };
    if (page.endOfCollection) {
      if (cursor.conflicts === 0) return result(currentVersion, totals, null);
      deps.logger.info('Users changed while being re-sealed; starting another pass', { pass: cursor.pass, conflicts: cursor.conflicts });
      cursor = { after: undefined, pass: cursor.pass + 1, conflicts: 0 };
    }
  } while (deps.now().getTime() < deadline);
  return result(currentVersion, totals, cursor);
}

function result(keyVersion: string, totals: { scanned: number; rewrapped: number; skipped: number; failedUserIds: string[] }, next: RewrapCursor | null): RewrapResult {
  return {
    keyVersion,
    scanned: totals.scanned,
    rewrapped: totals.rewrapped,
    skipped: totals.skipped,
    failed: totals.failedUserIds.length,
    failedUserIds: totals.failedUserIds.slice(0, MAX_LISTED_FAILURES),
    done: next === null,
    nextCursor: next === null ? null : encodeCursor(next),
  };
}
