import type { BulkWriter, Firestore } from '@google-cloud/firestore';
import type { Logger } from '../logging/logger';
import { TOKEN_FIELDS } from '../tokens/sealed-token';
import type { TokenVault } from '../tokens/vault';
import { sweepPage } from '../users/sweep/sweep-page';
import { resealStaleTokens } from './reseal-stale-tokens';

export interface RewrapPageDeps {
  db: Firestore;
  collection: string;
  vault: TokenVault;
  logger: Logger;
}

export interface RewrapPageInput {
  /** Start after this document id; undefined: from the first user. */
  after: string | undefined;
  pageSize: number;
  currentVersion: string;
}

export interface RewrapPageResult {
  scanned: number;
  /** Users whose stale tokens were re-sealed and written. */
  rewrapped: number;
  /** Users written by someone else between our read and our write: left alone, for the next pass. */
  conflicts: number;
  /** Users with a stale token that cannot be opened (reported, left as they are). */
  unreadableUserIds: string[];
  /** Id of the page's last document; undefined when the page was empty. */
  last: string | undefined;
  /** True when this page reached the end of the collection. */
  endOfCollection: boolean;
}

/**
 * One page of users in document-id order, reading only the token fields: re-seal every token
 * sealed under an older key version and write it back conditioned on the document's update time
 * at our read (sweepPage), so a sign-in, worker run or disconnect in between wins.
 */
export async function rewrapPage(deps: RewrapPageDeps, writer: BulkWriter, input: RewrapPageInput): Promise<RewrapPageResult> {
  const unreadableUserIds: string[] = [];
  const page = await sweepPage(deps.db, writer, { collection: deps.collection, after: input.after, pageSize: input.pageSize, fields: TOKEN_FIELDS }, async (doc) => {
    const { resealed, unreadable } = await resealStaleTokens(deps.vault, doc.id, doc.data(), input.currentVersion);
    if (unreadable.length > 0) {
      unreadableUserIds.push(doc.id);
      for (const { field, code } of unreadable) deps.logger.warn('A stored token cannot be opened; it was not re-sealed', { userId: doc.id, field, errorCode: code });
    }
    return resealed;
  });
  return {
    scanned: page.scanned,
    rewrapped: page.written,
    conflicts: page.conflicts,
    unreadableUserIds,
    last: page.last,
    endOfCollection: page.endOfCollection,
  };
}
