import { type DocumentReference, type Firestore, Timestamp, type Transaction } from '@google-cloud/firestore';
import { AppError } from '../errors/app-error';
import { missingScopes } from '../google/scopes';
import type { PickerAsUser } from '../google-photos/picker-for-user';
import { isPhotosCallError } from '../google-photos/photos-http';
import { durationSeconds, type PickerApi, type PickingSession } from '../google-photos/picker-api';
import { PHOTOS_SCOPES } from '../google-photos/photos-scopes';
import {
  DEFAULT_POLL_INTERVAL_SECONDS,
  isLiveSession,
  openPhotoSessionsQuery,
  type PhotoSessionDoc,
  photoSessions,
} from '../google-photos/session-store';
import type { Logger } from '../logging/logger';
import { signInAgain } from '../users/request-access';
import { PHOTOS_RETRY_AFTER_SECONDS, photosFailure } from './photos-failure';
import { storageFailure } from '../users/storage-failure';
import type { UserRecord } from '../users/user-record';

/** `tokens`: the user's access tokens for this request (users/request-access.ts); `picker`: a client calling as them. */
export interface CreatePickerSessionDeps extends PickerAsUser {
  db: Firestore;
  collection: string;
  maxOpenSessions: number;
  now: () => Date;
  logger: Logger;
}

/** What the app gets: where to send the user, and until when. */
export interface NewPickerSession {
  sessionId: string;
  pickerUri: string;
  /** Google's RFC 3339 string, as Google sent it. */
  expireTime: string;
}

/**
 * `createPhotoPickerSession`'s work for one authenticated user. Every check that can refuse runs
 * before Google is asked (connected, the Photos scopes, fewer open sessions than the limit), so a
 * refusal creates nothing at Google. Then one Picker session is created, and one transaction
 * re-reads the user, counts the open sessions again, records the session (state `open`) and moves
 * `nextRunAt` to `min(nextRunAt, now + pollInterval)` so the dispatcher picks the user up at the
 * session's polling interval. A session that cannot be recorded (a race lost, Firestore down) is
 * deleted at Google again, best effort. `signal`: the request's deadline; the token refresh starts
 * no retry after it (the Picker calls run to their own end: a session made must be recorded or deleted).
 */
export async function createPickerSession(userId: string, deps: CreatePickerSessionDeps, signal?: AbortSignal): Promise<NewPickerSession> {
  const userRef = deps.db.collection(deps.collection).doc(userId);
  const record = (await userRef.get().catch(rethrowAsStorage)).data() as UserRecord | undefined;
  requireConnected(record);
  const missing = missingScopes(PHOTOS_SCOPES, record.scopes ?? []);
  if (missing.length > 0) {
    throw new AppError('insufficient_scope', 'The user did not grant the Google Photos access this needs. Sign in again asking for it.', {
      details: { missingScopes: missing },
    });
  }
  const open = (await openPhotoSessionsQuery(deps.db, deps.collection, userId).get().catch(rethrowAsStorage)).docs;
  requireRoom(open.map((doc) => doc.data() as PhotoSessionDoc), deps);

  const picker = await deps.picker(deps.tokens(userId, record, signal)).catch((error: unknown) => {
    throw photosFailure(error, deps.logger);
  });
  const session = await picker.createSession().catch((error: unknown) => {
    throw photosFailure(error, deps.logger);
  });
  const created = checkedSession(session);

  let outcome: AppError | undefined;
  try {
    outcome = await deps.db.runTransaction((tx) => recordSession(tx, userRef, userId, created, deps));
  } catch (error) {
    outcome = error instanceof AppError ? error : storageFailure(error);
  }
  if (outcome) {
    await deleteQuietly(picker, created.session.id, deps.logger, userId);
    throw outcome;
  }
  deps.logger.info('Photo picker session created', { userId, sessionId: created.session.id, pollIntervalSeconds: created.pollIntervalSeconds });
  return { sessionId: created.session.id, pickerUri: created.session.pickerUri, expireTime: created.session.expireTime };
}

function rethrowAsStorage(error: unknown): never {
  throw error instanceof AppError ? error : storageFailure(error);
}

function requireConnected(record: UserRecord | undefined): asserts record is UserRecord {
  if (!record || record.status === 'disconnected') {
    throw new AppError('not_connected', 'This user has not given the server offline access. Sign in with offline access first.');
  }
  if (record.status !== 'active') throw signInAgain();
}

function requireRoom(open: readonly PhotoSessionDoc[], deps: CreatePickerSessionDeps): void {
  const live = open.filter((doc) => isLiveSession(doc, deps.now())).length;
  if (live >= deps.maxOpenSessions) {
    throw new AppError('too_many_sessions', `This user already has ${live} open photo picking sessions. Finish or wait for one first.`, {
      details: { maxOpenSessions: deps.maxOpenSessions },
    });
  }
}

interface CheckedSession {
  session: PickingSession;
  expireTime: Timestamp;
  pollIntervalSeconds: number;
}

/** Google's answer must name the session, its link and its expiry; anything else is Google's failure. */
function checkedSession(session: PickingSession): CheckedSession {
  const expireMs = Date.parse(session?.expireTime ?? '');
  if (!session?.id || !session.pickerUri || Number.isNaN(expireMs)) {
    throw new AppError('upstream_unavailable', 'Google Photos answered without a usable session. Try again shortly.', {
      retryAfterSeconds: PHOTOS_RETRY_AFTER_SECONDS,
    });
  }
  const interval = durationSeconds(session.pollingConfig?.pollInterval);
  return {
    session,
    expireTime: Timestamp.fromMillis(expireMs),
    pollIntervalSeconds: interval !== undefined && interval > 0 ? interval : DEFAULT_POLL_INTERVAL_SECONDS,
  };
}

async function recordSession(tx: Transaction, userRef: DocumentReference, userId: string, created: CheckedSession, deps: CreatePickerSessionDeps): Promise<AppError | undefined> {
  const [user, open] = await Promise.all([tx.get(userRef), tx.get(openPhotoSessionsQuery(deps.db, deps.collection, userId))]);
  const current = user.data() as UserRecord | undefined;
  try {
    requireConnected(current);
    requireRoom(open.docs.map((doc) => doc.data() as PhotoSessionDoc), deps);
  } catch (error) {
    return error as AppError;
  }
  const now = deps.now();
  const at = Timestamp.fromDate(now);
  const doc: PhotoSessionDoc = {
    sessionId: created.session.id,
    state: 'open',
    createdAt: at,
    updatedAt: at,
    expireTime: created.expireTime,
    pollIntervalSeconds: created.pollIntervalSeconds,
  };
  tx.create(photoSessions(deps.db, deps.collection, userId).doc(created.session.id), doc);
  const due = now.getTime() + created.pollIntervalSeconds * 1000;
  const next = current.nextRunAt?.toMillis();
  if (next === undefined || due < next) tx.update(userRef, { nextRunAt: Timestamp.fromMillis(due) });
  return undefined;
}

async function deleteQuietly(picker: PickerApi, sessionId: string, logger: Logger, userId: string): Promise<void> {
  try {
    await picker.deleteSession(sessionId);
  } catch (error) {
    logger.warn('A picker session that was not recorded could not be deleted at Google', {
      userId,
      errorCode: isPhotosCallError(error) ? error.failure.code : 'unknown',
    });
  }
}
