import { type BulkWriterError, FieldPath, type Firestore, type QueryDocumentSnapshot } from '@google-cloud/firestore';
import type { Logger } from '../logging/logger';
import { TOKEN_FIELDS } from '../tokens/sealed-token';
import type { TokenVault } from '../tokens/vault';
import { storageFailure } from '../users/storage-failure';
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

/** gRPC statuses of a lost race: FAILED_PRECONDITION (update time moved) or NOT_FOUND (deleted meanwhile). */
const LOST_RACE_CODES = new Set([9, 5]);
/** Other write failures are retried by the BulkWriter this many times (with its own backoff). */
const MAX_WRITE_ATTEMPTS = 3;

/**
 * One page of users in document-id order: re-seal every token sealed under an older key version
 * and write it back conditioned on the document's update time at our read. A sign-in, worker run
 * or disconnect that wrote the user in between wins; we skip and count it rather than overwrite a
 * newer token (or bring back a deleted one).
 */
export async function rewrapPage(deps: RewrapPageDeps, input: RewrapPageInput): Promise<RewrapPageResult> {
  const page = await readPage(deps, input);
  const writer = deps.db.bulkWriter();
  writer.onWriteError((error: BulkWriterError) => !LOST_RACE_CODES.has(error.code) && error.failedAttempts < MAX_WRITE_ATTEMPTS);
  const unreadableUserIds: string[] = [];
  const writes: Promise<'written' | 'lost_race'>[] = [];
  try {
    for (const doc of page) {
      const { resealed, unreadable } = await resealStaleTokens(deps.vault, doc.id, doc.data(), input.currentVersion);
      if (unreadable.length > 0) {
        unreadableUserIds.push(doc.id);
        for (const { field, code } of unreadable) deps.logger.warn('A stored token cannot be opened; it was not re-sealed', { userId: doc.id, field, errorCode: code });
      }
      if (Object.keys(resealed).length > 0) writes.push(conditionalUpdate(writer, doc, resealed));
    }
  } catch (error) {
    // Writes already queued still go out (each is safe on its own) before a key failure stops the call.
    await writer.close();
    await Promise.allSettled(writes);
    throw error;
  }
  await writer.close();
  const outcomes = await Promise.all(writes);
  return {
    scanned: page.length,
    rewrapped: outcomes.filter((o) => o === 'written').length,
    conflicts: outcomes.filter((o) => o === 'lost_race').length,
    unreadableUserIds,
    last: page.at(-1)?.id,
    endOfCollection: page.length < input.pageSize,
  };
}

async function readPage(deps: RewrapPageDeps, input: RewrapPageInput): Promise<QueryDocumentSnapshot[]> {
  // Only the token fields are read: a rotation has no business with profiles or job state.
  let query = deps.db.collection(deps.collection).orderBy(FieldPath.documentId()).select(...TOKEN_FIELDS).limit(input.pageSize);
  if (input.after !== undefined) query = query.startAfter(input.after);
  try {
    return (await query.get()).docs;
  } catch (error) {
    throw storageFailure(error);
  }
}

function conditionalUpdate(writer: ReturnType<Firestore['bulkWriter']>, doc: QueryDocumentSnapshot, fields: Record<string, unknown>): Promise<'written' | 'lost_race'> {
  return writer.update(doc.ref, fields, { lastUpdateTime: doc.updateTime }).then(
    () => 'written' as const,
    (error: unknown) => {
      if (LOST_RACE_CODES.has((error as { code?: number }).code ?? -1)) return 'lost_race' as const;
      throw storageFailure(error);
    },
  );
}
