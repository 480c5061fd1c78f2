import { type DocumentReference, type Firestore, Timestamp } from '@google-cloud/firestore';
import type { WeightedBudget } from '../../concurrency/weighted-budget';
import type { UserEvents } from '../../events/user-events';
import { LIBRARY_LIMITS, type LibraryApi } from '../../google-photos/library-api';
import { isPhotosCallError } from '../../google-photos/photos-http';
import { durationSeconds, type PickedMediaItem, type PickerApi } from '../../google-photos/picker-api';
import {
  DEFAULT_POLL_INTERVAL_SECONDS,
  EMPTY_COUNTS,
  PHOTO_SESSIONS,
  type PhotoItemDoc,
  photoItems,
  type PhotoSessionDoc,
  type SessionCounts,
} from '../../google-photos/session-store';
import type { Logger } from '../../logging/logger';
import { enhancePhoto, type EnhanceOptions } from '../../photos/enhance';
import { decodeTriesSpent, decoderFailuresAfterFailure } from '../../photos/decode-attempts';
import { isDecoderFailedError, isUnsupportedImageError } from '../../photos/unsupported-image-error';
import { ensureAlbum } from './album';
import { finishSession } from './finish-session';
import { enhancedFileName, skipReasonFor } from './picked-item';

export interface SessionRunDeps {
  db: Firestore;
  userRef: DocumentReference;
  albumRef: DocumentReference;
  albumTitle: string;
  picker: PickerApi;
  library: LibraryApi;
  events: UserEvents;
  /** The instance's budget of source bytes, shared with the Drive photo job. */
  sourceBudget: WeightedBudget;
  maxSourceBytes: number;
  enhance: EnhanceOptions;
  /**
   * Count each decode as a failure before it starts: the user's previous run never finished
   * (OfflineJobContext.unfinishedRuns), and a decode that kills the process cannot be counted after.
   */
  countAttemptsFirst: boolean;
  deadline: number;
  /** The run's stop (OfflineJobContext.signal): for the source budget and the decode (a HEIC decode in flight is ended). */
  signal: AbortSignal;
  now: () => number;
  logger: Logger;
}

/** Where a session stands after this run: still being picked, work left for the next run, or ended. */
export type SessionStep =
  | { kind: 'waiting'; pollSeconds: number }
  | { kind: 'pending'; counts: SessionCounts }
  | { kind: 'finished'; outcome: 'done' | 'expired'; counts: SessionCounts };

const TERMINAL: ReadonlySet<PhotoItemDoc['state']> = new Set(['added', 'skipped', 'failed']);

/**
 * One Picker session, moved as far as this run can take it. Per picked item:
 * `picked` → (download, enhance, upload) → `uploaded` → `creating` → (batchCreate) → `added`,
 * each state written before the next step that Google would repeat if asked twice. The upload
 * token lives only in memory (an unused token expires and makes nothing), so an item found
 * `uploaded` is uploaded again; an item found `creating` (its run died around batchCreate) is
 * looked for in the album by its unique file name before anything is created again.
 */
export class SessionRun {
  private readonly ref: DocumentReference;
  private items = new Map<string, PhotoItemDoc>();

  constructor(
    private readonly doc: PhotoSessionDoc,
    private readonly deps: SessionRunDeps,
  ) {
    this.ref = deps.userRef.collection(PHOTO_SESSIONS).doc(doc.sessionId);
  }

  async advance(): Promise<SessionStep> {
    if (this.doc.state === 'open') {
      const waiting = await this.pollPicking();
      if (waiting) return waiting;
    }
    this.items = await this.readItems();
    const listing = await this.listPicked();
    if (listing === undefined) return this.expire();
    await this.recordPicked(listing);
    const albumId = await ensureAlbum(this.deps.albumRef, this.deps.albumTitle, this.deps.library, this.deps.now);
    await this.reconcileCreating(albumId);
    const todo = [...this.items.values()].filter((item) => item.state === 'picked' || item.state === 'uploaded');
    for (let start = 0; start < todo.length; start += LIBRARY_LIMITS.batchCreateItems) {
      if (this.pastDeadline()) return this.pending();
      await this.createBatch(albumId, todo.slice(start, start + LIBRARY_LIMITS.batchCreateItems), listing);
    }
    if ([...this.items.values()].some((item) => !TERMINAL.has(item.state))) return this.pending();
    await this.deleteAtGoogle();
    return this.finish('done');
  }

  /** Undefined once the user has picked; otherwise how long until the next look. */
  private async pollPicking(): Promise<SessionStep | undefined> {
    let session;
    try {
      session = await this.deps.picker.getSession(this.doc.sessionId);
    } catch (error) {
      if (isGone(error)) return this.expire();
      throw error;
    }
    if (session.mediaItemsSet) return undefined;
    const expired = durationSeconds(session.pollingConfig?.timeoutIn) === 0 || this.deps.now() >= Date.parse(session.expireTime);
    if (expired) {
      await this.deleteAtGoogle();
      return this.expire();
    }
    const pollSeconds = durationSeconds(session.pollingConfig?.pollInterval) ?? (this.doc.pollIntervalSeconds || DEFAULT_POLL_INTERVAL_SECONDS);
    return { kind: 'waiting', pollSeconds };
  }

  /** Every picked item with a fresh base URL (valid 60 minutes); undefined when the session is gone. */
  private async listPicked(): Promise<Map<string, PickedMediaItem> | undefined> {
    if (this.deps.now() >= this.doc.expireTime.toMillis()) return undefined;
    const listed = new Map<string, PickedMediaItem>();
    let pageToken: string | undefined;
    try {
      do {
        const page = await this.deps.picker.listPicked(this.doc.sessionId, pageToken);
        for (const item of page.mediaItems) listed.set(item.id, item);
        pageToken = page.nextPageToken;
      } while (pageToken);
    } catch (error) {
      if (isGone(error)) return undefined;
      throw error;
    }
    return listed;
  }

  private async readItems(): Promise<Map<string, PhotoItemDoc>> {
    const snapshot = await photoItems(this.ref).get();
    return new Map(snapshot.docs.map((doc) => [doc.id, doc.data() as PhotoItemDoc]));
  }

  /** Items seen for the first time: recorded `picked`, or `skipped` with the reason (videos, other formats). */
  private async recordPicked(listing: Map<string, PickedMediaItem>): Promise<void> {
    const at = Timestamp.fromMillis(this.deps.now());
    const fresh = [...listing.values()].filter((item) => !this.items.has(item.id)).map((item) => this.pickedDoc(item, at));
    for (let start = 0; start < fresh.length; start += 499) {
      // In a transaction that reads the session first: a disconnect that deleted the session's
      // records mid-run must not see them written back (file names are personal data).
      await this.deps.db.runTransaction(async (tx) => {
        if (!(await tx.get(this.ref)).exists) throw new SessionGoneError();
        for (const doc of fresh.slice(start, start + 499)) tx.set(photoItems(this.ref).doc(doc.pickedId), doc);
      });
    }
    for (const doc of fresh) this.items.set(doc.pickedId, doc);
    if (this.doc.state === 'open' || fresh.length > 0) {
      this.doc.state = 'picked';
      await goneIfMissing(this.ref.update({ state: 'picked', counts: this.counts(), updatedAt: at }));
    }
  }

  private pickedDoc(item: PickedMediaItem, at: Timestamp): PhotoItemDoc {
    const skipReason = skipReasonFor(item);
    return {
      pickedId: item.id,
      state: skipReason ? 'skipped' : 'picked',
      type: item.type ?? 'TYPE_UNSPECIFIED',
      mimeType: item.mediaFile?.mimeType ?? null,
      fileName: enhancedFileName(this.doc.sessionId, item),
      updatedAt: at,
      ...(skipReason ? { skipReason } : {}),
    };
  }

  /** Items a dead run left around batchCreate: found in the album by file name, or back to `picked`. */
  private async reconcileCreating(albumId: string): Promise<void> {
    const creating = [...this.items.entries()].filter(([, item]) => item.state === 'creating');
    if (creating.length === 0) return;
    const wanted = new Map(creating.map(([id, item]) => [item.fileName, id]));
    const found = new Map<string, string>();
    let pageToken: string | undefined;
    do {
      const page = await this.deps.library.searchAlbum(albumId, pageToken);
      for (const media of page.mediaItems) if (media.filename && wanted.has(media.filename)) found.set(wanted.get(media.filename)!, media.id);
      pageToken = found.size < wanted.size ? page.nextPageToken : undefined;
    } while (pageToken);
    await this.writeItems(
      creating.map(([id]) => {
        const addedMediaItemId = found.get(id);
        return [id, addedMediaItemId ? { state: 'added', addedMediaItemId } : { state: 'picked' }];
      }),
    );
    this.deps.logger.info('photos: reconciled items a stopped run left creating', { sessionId: this.doc.sessionId, found: found.size, recreate: creating.length - found.size });
  }

  /** Up to 50 items: each uploaded (after its own bytes, in the shared budgets), then one batchCreate. */
  private async createBatch(albumId: string, batch: PhotoItemDoc[], listing: Map<string, PickedMediaItem>): Promise<void> {
    const uploads: { id: string; uploadToken: string; fileName: string }[] = [];
    for (const item of batch) {
      if (this.pastDeadline()) break;
      const uploadToken = await this.upload(item, listing.get(item.pickedId));
      if (uploadToken) uploads.push({ id: item.pickedId, uploadToken, fileName: item.fileName });
    }
    if (uploads.length === 0) return;
    await this.writeItems(uploads.map(({ id }) => [id, { state: 'creating' }]));
    const results = await this.deps.library.batchCreate(albumId, uploads);
    await this.writeItems(
      uploads.map(({ id }, index) => {
        const result = results[index]!;
        return [id, result.ok ? { state: 'added', addedMediaItemId: result.mediaItemId } : { state: 'failed', failure: `google_status_${result.code ?? 'unknown'}` }];
      }),
    );
  }

  /** The enhanced bytes' upload token, or undefined when the item was skipped (recorded as such). */
  private async upload(item: PhotoItemDoc, picked: PickedMediaItem | undefined): Promise<string | undefined> {
    const baseUrl = picked?.mediaFile?.baseUrl;
    if (!baseUrl) {
      // Listed before but not now: Google no longer offers it in this session.
      await this.writeItems([[item.pickedId, { state: 'failed', failure: 'not_listed' }]]);
      return undefined;
    }
    const counted = this.deps.countAttemptsFirst;
    const failuresBefore = item.decoderFailures ?? 0;
    // As many counted tries as allowed, each failed or went down with its run: no further try.
    if (counted && decodeTriesSpent(failuresBefore)) return this.recordDecoderFailure(item, true);
    const enhanced = await this.deps.sourceBudget.use(this.deps.maxSourceBytes, async () => {
      const download = await this.deps.picker.download(baseUrl, this.deps.maxSourceBytes);
      if (download.kind === 'too_large') return 'too_large' as const;
      if (counted) {
        // Counted before the decode starts: a decode that kills the process cannot count itself.
        await this.writeItems([[item.pickedId, { decoderFailures: failuresBefore + 1 }]]);
        item = this.items.get(item.pickedId)!;
      }
      try {
        return (await enhancePhoto(download.data, { ...this.deps.enhance, signal: this.deps.signal })).data;
      } catch (error) {
        if (isUnsupportedImageError(error)) return 'unsupported_format' as const;
        if (isDecoderFailedError(error)) return 'decoder_failed' as const;
        throw error;
      }
    }, this.deps.signal);
    if (enhanced === 'decoder_failed') return this.recordDecoderFailure(item, counted);
    if (typeof enhanced === 'string') {
      await this.writeItems([[item.pickedId, { state: 'skipped', skipReason: enhanced }]]);
      return undefined;
    }
    // The decode went well: its count is taken back before the upload, which can fail or be cut for
    // reasons that say nothing about the photo (counts left by such runs would give it up).
    if (counted) await this.writeItems([[item.pickedId, { decoderFailures: failuresBefore }]]);
    const uploadToken = await this.deps.library.upload(enhanced, 'image/jpeg');
    await this.writeItems([[item.pickedId, { state: 'uploaded' }]]);
    return uploadToken;
  }

  /**
   * The decoder crashed, ran out of time or of memory: that does not prove the photo bad, so it
   * stays `picked` (the session stays pending) and is tried again next run, until
   * PHOTO_LIMITS.decodeAttempts failures make it `skipped` like an undecodable photo. `counted`:
   * this attempt is in the item's count already (countAttemptsFirst).
   */
  private async recordDecoderFailure(item: PhotoItemDoc, counted: boolean): Promise<undefined> {
    const decoderFailures = decoderFailuresAfterFailure(item.decoderFailures ?? 0, counted);
    const change: Partial<PhotoItemDoc> = decodeTriesSpent(decoderFailures) ? { state: 'skipped', skipReason: 'unsupported_format', decoderFailures } : { decoderFailures };
    if (change.state !== undefined || !counted) await this.writeItems([[item.pickedId, change]]);
    this.deps.logger.warn('photos: the decoder failed on a picked item', { sessionId: this.doc.sessionId, decoderFailures, skipped: change.state === 'skipped' });
    return undefined;
  }

  private async writeItems(changes: [string, Partial<PhotoItemDoc>][]): Promise<void> {
    const at = Timestamp.fromMillis(this.deps.now());
    const batch = this.deps.db.batch();
    for (const [id, change] of changes) {
      batch.update(photoItems(this.ref).doc(id), { ...change, updatedAt: at });
      this.items.set(id, { ...this.items.get(id)!, ...change, updatedAt: at });
    }
    await goneIfMissing(batch.commit());
  }

  private counts(): SessionCounts {
    const counts = { ...EMPTY_COUNTS };
    for (const item of this.items.values()) {
      counts.picked += 1;
      if (item.state === 'added') counts.added += 1;
      else if (item.state === 'skipped') counts.skipped += 1;
      else if (item.state === 'failed') counts.failed += 1;
    }
    return counts;
  }

  private async pending(): Promise<SessionStep> {
    const counts = this.counts();
    await goneIfMissing(this.ref.update({ counts, updatedAt: Timestamp.fromMillis(this.deps.now()) }));
    return { kind: 'pending', counts };
  }

  /** The session can no longer be read: what is not done by now never will be. */
  private async expire(): Promise<SessionStep> {
    const unfinished = [...this.items.entries()].filter(([, item]) => !TERMINAL.has(item.state));
    for (let start = 0; start < unfinished.length; start += 500) {
      await this.writeItems(unfinished.slice(start, start + 500).map(([id]) => [id, { state: 'failed', failure: 'session_expired' }]));
    }
    return this.finish('expired');
  }

  private async finish(outcome: 'done' | 'expired'): Promise<SessionStep> {
    const counts = this.counts();
    await finishSession({ db: this.deps.db, userRef: this.deps.userRef, sessionRef: this.ref, outcome, counts, events: this.deps.events, now: new Date(this.deps.now()) });
    this.deps.logger.info(outcome === 'done' ? 'photos: session done' : 'photos: session expired', { sessionId: this.doc.sessionId, ...counts });
    return { kind: 'finished', outcome, counts };
  }

  /** Google asks apps to delete a session once its bytes are read; one that is gone already is fine. */
  private async deleteAtGoogle(): Promise<void> {
    try {
      await this.deps.picker.deleteSession(this.doc.sessionId);
    } catch (error) {
      // Best effort whatever Google says: the session ends by itself at its expireTime anyway. Not
      // at the run's stop: the session is not finished then, and is deleted next run.
      if (isPhotosCallError(error) && !this.deps.signal.aborted) {
        this.deps.logger.warn('photos: the session could not be deleted at Google; it expires by itself', { sessionId: this.doc.sessionId, errorCode: error.failure.code });
        return;
      }
      throw error;
    }
  }

  private pastDeadline(): boolean {
    return this.deps.now() >= this.deps.deadline;
  }
}

/** The session's records were deleted mid-run (a disconnect): the run stops, writing nothing back. */
export class SessionGoneError extends Error {
  constructor() {
    super('The Picker session was deleted while the run was using it');
    this.name = 'SessionGoneError';
  }
}

/** A Firestore update of a record a disconnect deleted (gRPC NOT_FOUND) is the session gone. */
async function goneIfMissing<T>(write: Promise<T>): Promise<T> {
  try {
    return await write;
  } catch (error) {
    if ((error as { code?: unknown }).code === 5) throw new SessionGoneError();
    throw error;
  }
}

/**
 * The session can no longer be read: NOT_FOUND (deleted), or PERMISSION_DENIED (its access
 * expired, or the grant lost the Picker scope). Either way nothing more can come of it.
 */
function isGone(error: unknown): boolean {
  return isPhotosCallError(error) && (error.failure.code === 'not_found' || error.failure.code === 'forbidden');
}
