import type { Firestore } from '@google-cloud/firestore';
import { isAppError } from '../../errors/app-error';
import { GrantRevokedError } from '../../google/refresh-access-token';
import { isPhotosCallError } from '../../google-photos/photos-http';
import type { PickerAsUser } from '../../google-photos/picker-for-user';
import { openPhotoSessions } from '../../google-photos/session-store';
import type { Logger } from '../../logging/logger';
import type { UserRecord } from '../../users/user-record';

export interface EndPhotoSessionsDeps {
  db: Firestore;
  collection: string;
  photos: PickerAsUser;
  logger: Logger;
}

/**
 * Deletes the user's open Picker sessions at Google (`sessions.delete`) while the grant still
 * works, so nothing the user picked stays readable after they leave. Best effort: a session Google
 * no longer has (NOT_FOUND), a token that cannot be had, or Google failing is logged by its code
 * and the disconnect goes on. Returns how many sessions Google deleted.
 */
export async function endPhotoSessionsAtGoogle(userId: string, record: UserRecord, deps: EndPhotoSessionsDeps): Promise<number> {
  if (!record.refreshToken && !record.accessToken) return 0;
  const open = await openPhotoSessions(deps.db, deps.collection, userId);
  if (open.length === 0) return 0;
  let deleted = 0;
  try {
    const picker = await deps.photos.picker(deps.photos.tokens(userId, record));
    for (const session of open) {
      try {
        await picker.deleteSession(session.sessionId);
        deleted += 1;
      } catch (error) {
        if (error instanceof GrantRevokedError) throw error;
        const errorCode = failureCode(error);
        const log = errorCode === 'not_found' ? deps.logger.info : deps.logger.warn;
        log('A picker session could not be deleted at Google; the disconnect goes on', { userId, sessionId: session.sessionId, errorCode });
      }
    }
  } catch (error) {
    deps.logger.warn('Open picker sessions were not deleted at Google; the disconnect goes on', { userId, errorCode: failureCode(error) });
  }
  return deleted;
}

function failureCode(error: unknown): string {
  if (error instanceof GrantRevokedError) return 'grant_revoked';
  if (isPhotosCallError(error)) return isAppError(error.cause) ? error.cause.code : error.failure.code;
  if (isAppError(error)) return error.code;
  return 'unknown';
}
