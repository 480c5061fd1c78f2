import type { CollectionReference, DocumentReference, Firestore, Timestamp } from '@google-cloud/firestore';

/**
 * Where the Photos story keeps its state, beside the user's document:
 * - `<users>/<sub>/photoSessions/<sessionId>`: one Picker session, from `createPhotoPickerSession`
 *   until it is done or expired (kept afterwards as the record of what it did);
 * - `<users>/<sub>/photoSessions/<sessionId>/items/<pickedId>`: each picked item's progress, written
 *   before and after each step that is not idempotent at Google (upload, batchCreate), so a run that
 *   dies anywhere resumes without making a second copy;
 * - `<users>/<sub>/photoAlbums/<key>`: the app-created album, made once per user and title.
 * The user's document holds `lastPhotoSession` (the last finished session's outcome, for
 * `offlineStatus`) and its `eventSequence`. Nothing here is secret: no token is stored.
 */
export type SessionState = 'open' | 'picked' | 'done' | 'expired';
export const OPEN_SESSION_STATES: readonly SessionState[] = ['open', 'picked'];

export interface SessionCounts {
  /** Items the user picked (photos and videos). */
  picked: number;
  /** Enhanced copies now in the album. */
  added: number;
  /** Videos and unsupported formats, each with its reason on the item. */
  skipped: number;
  /** Items Google refused to create, or that could not be read before the session expired. */
  failed: number;
}

export interface PhotoSessionDoc {
  sessionId: string;
  state: SessionState;
  createdAt: Timestamp;
  updatedAt: Timestamp;
  /** Google's `expireTime`: after it the session and its items can no longer be read. */
  expireTime: Timestamp;
  /** Google's `pollingConfig.pollInterval`, in seconds: how often the worker looks while it is open. */
  pollIntervalSeconds: number;
  /** Set once the items were listed (state `picked`), then as they progress. */
  counts?: SessionCounts;
  finishedAt?: Timestamp;
}

export type ItemState = 'picked' | 'uploaded' | 'creating' | 'added' | 'skipped' | 'failed';
export type SkipReason = 'video' | 'unsupported_format' | 'too_large';

export interface PhotoItemDoc {
  pickedId: string;
  state: ItemState;
  /** What Google said the item is: `PHOTO`, `VIDEO`. */
  type: string;
  mimeType: string | null;
  /** The enhanced copy's file name, unique per session and item: how a later run recognises it in the album. */
  fileName: string;
  updatedAt: Timestamp;
  skipReason?: SkipReason;
  /** Why Google refused to create it (its google.rpc code), or `session_expired`. */
  failure?: string;
  /** The enhanced copy's media item id, once added. */
  addedMediaItemId?: string;
  /**
   * In how many runs the decoder failed on it without proving it bad (photos' DecoderFailedError):
   * it stays `picked` for the next run until PHOTO_LIMITS.decodeAttempts, then is skipped as
   * `unsupported_format`. After a run that never finished, each decode is counted before it
   * starts and the count put back once it went well (0 then, where it was unset).
   */
  decoderFailures?: number;
}

export interface PhotoAlbumDoc {
  title: string;
  state: 'creating' | 'created';
  albumId?: string;
  updatedAt: Timestamp;
}

/** On the user's document: what the last finished session did. */
export interface LastPhotoSession {
  sessionId: string;
  outcome: 'done' | 'expired';
  counts: SessionCounts;
  finishedAt: Timestamp;
}

export const PHOTO_SESSIONS = 'photoSessions';
export const PHOTO_ITEMS = 'items';
export const PHOTO_ALBUMS = 'photoAlbums';

export function photoSessions(db: Firestore, usersCollection: string, userId: string): CollectionReference {
  return db.collection(usersCollection).doc(userId).collection(PHOTO_SESSIONS);
}

export function photoItems(session: DocumentReference): CollectionReference {
  return session.collection(PHOTO_ITEMS);
}

export function photoAlbums(db: Firestore, usersCollection: string, userId: string): CollectionReference {
  return db.collection(usersCollection).doc(userId).collection(PHOTO_ALBUMS);
}

/** The user's open sessions (not yet done or expired), oldest first. One query; no composite index. */
export async function openPhotoSessions(db: Firestore, usersCollection: string, userId: string): Promise<PhotoSessionDoc[]> {
  const snapshot = await openPhotoSessionsQuery(db, usersCollection, userId).get();
  return snapshot.docs
    .map((doc) => doc.data() as PhotoSessionDoc)
    .sort((a, b) => a.createdAt.toMillis() - b.createdAt.toMillis());
}

export const EMPTY_COUNTS: SessionCounts = { picked: 0, added: 0, skipped: 0, failed: 0 };

/** When Google sends no `pollingConfig.pollInterval` (or one that is not a Duration). */
export const DEFAULT_POLL_INTERVAL_SECONDS = 5;

/** Open, and Google still keeps it: what counts against PHOTOS_MAX_OPEN_SESSIONS. */
export function isLiveSession(doc: PhotoSessionDoc, now: Date): boolean {
  return OPEN_SESSION_STATES.includes(doc.state) && doc.expireTime.toMillis() > now.getTime();
}

/** The user's open sessions, as a query a transaction can read. */
export function openPhotoSessionsQuery(db: Firestore, usersCollection: string, userId: string) {
  return photoSessions(db, usersCollection, userId).where('state', 'in', OPEN_SESSION_STATES);
}

/**
 * Deletes every session of the user and their items (picked file names, media item ids): what
 * `disconnect` leaves must hold no personal data. The user's `photoAlbums` stay (an album id).
 */
export async function deletePhotoSessions(db: Firestore, usersCollection: string, userId: string): Promise<void> {
  await db.recursiveDelete(photoSessions(db, usersCollection, userId));
}
