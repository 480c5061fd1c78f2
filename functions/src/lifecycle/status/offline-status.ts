import type { Firestore } from '@google-cloud/firestore';
import { missingScopes } from '../../google/scopes';
import { openPhotoSessions, type SessionState } from '../../google-photos/session-store';
import type { UserRecord, UserStatus } from '../../users/user-record';

/** What the app reads to decide what to show: `not_connected` when this server never stored a grant. */
export interface OfflineStatus {
  status: UserStatus | 'not_connected';
  scopes: string[];
  /** REQUIRED_SCOPES the stored grant lacks (all of them when there is no grant). */
  missingScopes: string[];
  /** ISO 8601, or null before the first offline run. */
  lastRunAt: string | null;
  /** Stable code of what last went wrong (a failed run, or why offline access stopped), or null. */
  lastError: string | null;
  /** What the offline work waits for the user to do (`drive_storage_full`: free space), or null. */
  waitingForUser: string | null;
  photos: PhotosStatus;
}

/** The user's Google Photos picking (createPhotoPickerSession), for the app to know when it is done. */
export interface PhotosStatus {
  /** Sessions the worker is still waiting on or processing (`open`, then `picked`), oldest first. */
  openSessions: { sessionId: string; expireTime: string; state: SessionState }[];
  /** The last finished session (`done`, or `expired` with what it finished), or null. */
  lastSession: {
    sessionId: string;
    outcome: 'done' | 'expired';
    picked: number;
    added: number;
    skipped: number;
    failed: number;
    finishedAt: string;
  } | null;
}

export interface OfflineStatusDeps {
  db: Firestore;
  collection: string;
  requiredScopes: readonly string[];
}

/**
 * The user's document, and their open photo sessions when they are connected; nothing secret
 * leaves it (tokens and their identifiers are never read out).
 */
export async function readOfflineStatus(userId: string, deps: OfflineStatusDeps): Promise<OfflineStatus> {
  const record = (await deps.db.collection(deps.collection).doc(userId).get()).data() as UserRecord | undefined;
  const connected = record !== undefined && record.status !== 'disconnected';
  const scopes = connected && Array.isArray(record.scopes) ? record.scopes : [];
  const open = connected ? await openPhotoSessions(deps.db, deps.collection, userId) : [];
  const last = connected ? record.lastPhotoSession : undefined;
  return {
    status: record?.status ?? 'not_connected',
    scopes,
    missingScopes: missingScopes(deps.requiredScopes, scopes),
    lastRunAt: record?.lastRunAt ? record.lastRunAt.toDate().toISOString() : null,
    lastError: typeof record?.lastError === 'string' ? record.lastError : null,
    waitingForUser: connected && typeof record.waitingForUser === 'string' ? record.waitingForUser : null,
    photos: {
      openSessions: open.map((session) => ({ sessionId: session.sessionId, expireTime: session.expireTime.toDate().toISOString(), state: session.state })),
      lastSession: last
        ? {
            sessionId: last.sessionId,
            outcome: last.outcome,
            picked: last.counts.picked,
            added: last.counts.added,
            skipped: last.counts.skipped,
            failed: last.counts.failed,
            finishedAt: last.finishedAt.toDate().toISOString(),
          }
        : null,
    },
  };
}
