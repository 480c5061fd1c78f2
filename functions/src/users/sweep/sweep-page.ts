import { type BulkWriter, type BulkWriterError, FieldPath, type Firestore, type QueryDocumentSnapshot } from '@google-cloud/firestore';
import { storageFailure } from '../storage-failure';

export interface SweepPageInput {
  collection: string;
  /** Start after this document id; undefined: from the first user. */
  after: string | undefined;
  pageSize: number;
  /** The only fields read (a sweep has no business with the rest of a user). */
  fields: readonly string[];
}

export interface SweepPageResult {
  scanned: number;
  /** Users whose change was written. */
  written: number;
  /** Users written by someone else between our read and our write: left alone, for the next pass. */
  conflicts: number;
  /** Id of the page's last document; undefined when the page was empty. */
  last: string | undefined;
  /** True when this page reached the end of the collection. */
  endOfCollection: boolean;
}

/** What to write to one user, or undefined to leave it. May throw to stop the sweep (writes queued so far still go out). */
export type SweepChange = (doc: QueryDocumentSnapshot) => Promise<Record<string, unknown> | undefined>;

/** gRPC statuses of a lost race: FAILED_PRECONDITION (update time moved) or NOT_FOUND (deleted meanwhile). */
const LOST_RACE_CODES = new Set([9, 5]);
/** Other write failures are retried by the BulkWriter this many times (with its own backoff). */
const MAX_WRITE_ATTEMPTS = 3;

/** The BulkWriter of one sweep call: a lost race is final, anything else is retried a few times. */
export function sweepWriter(db: Firestore): BulkWriter {
  const writer = db.bulkWriter();
  writer.onWriteError((error: BulkWriterError) => !LOST_RACE_CODES.has(error.code) && error.failedAttempts < MAX_WRITE_ATTEMPTS);
  return writer;
}

/**
 * One page of users in document-id order, each changed by `change` and written back conditioned
 * on the document's update time at our read. A sign-in, worker run or disconnect that wrote the
 * user in between wins; we skip and count it rather than overwrite newer data (or bring back a
 * deleted document). Shared by every resumable sweep (key rotation, the shard backfill).
 */
export async function sweepPage(db: Firestore, writer: BulkWriter, input: SweepPageInput, change: SweepChange): Promise<SweepPageResult> {
  const page = await readPage(db, input);
  const writes: Promise<'written' | 'lost_race'>[] = [];
  try {
    for (const doc of page) {
      const fields = await change(doc);
      if (fields && Object.keys(fields).length > 0) writes.push(conditionalUpdate(writer, doc, fields));
    }
  } catch (error) {
    await writer.flush();
    await Promise.allSettled(writes);
    throw error;
  }
  await writer.flush();
  const outcomes = await Promise.all(writes);
  return {
    scanned: page.length,
    written: outcomes.filter((o) => o === 'written').length,
    conflicts: outcomes.filter((o) => o === 'lost_race').length,
    last: page.at(-1)?.id,
    endOfCollection: page.length < input.pageSize,
  };
}

async function readPage(db: Firestore, input: SweepPageInput): Promise<QueryDocumentSnapshot[]> {
  let query = db.collection(input.collection).orderBy(FieldPath.documentId()).select(...input.fields).limit(input.pageSize);
  if (input.after !== undefined) query = query.startAfter(input.after);
  try {
    return (await query.get()).docs;
  } catch (error) {
    throw storageFailure(error);
  }
}

function conditionalUpdate(writer: BulkWriter, doc: QueryDocumentSnapshot, fields: Record<string, unknown>): Promise<'written' | 'lost_race'> {
  return writer.update(doc.ref, fields, { lastUpdateTime: doc.updateTime }).then(
    () => 'written' as const,
    (error: unknown) => {
      if (LOST_RACE_CODES.has((error as { code?: number }).code ?? -1)) return 'lost_race' as const;
      throw storageFailure(error);
    },
  );
}
