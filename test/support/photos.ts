import { type Firestore, Timestamp } from '@google-cloud/firestore';
import { OAuth2Client } from 'google-auth-library';
import { createPhotosHttp } from '../../functions/src/google-photos/photos-http';
import { PHOTOS_SCOPES } from '../../functions/src/google-photos/photos-scopes';
import { createPickerApi, durationSeconds } from '../../functions/src/google-photos/picker-api';
import { DEFAULT_POLL_INTERVAL_SECONDS, type PhotoSessionDoc, photoSessions } from '../../functions/src/google-photos/session-store';
import type { SandboxGoogle } from '../../sandbox/src/server';
import { testPhoto } from './images';
import { FULL_SCOPES, TEST_CLIENT } from './sandbox';

/** Sign-in scopes of a user of both stories: Drive's app data folder and Google Photos. */
export const PHOTOS_USER_SCOPES: readonly string[] = [...FULL_SCOPES, ...PHOTOS_SCOPES];

/**
 * A Picker session for `sub`, made at the sandbox and recorded as createPhotoPickerSession records
 * it (for tests of the offline job on their own; the function itself has its own tests).
 */
export async function openPickerSession(sandbox: SandboxGoogle, db: Firestore, sub: string, usersCollection = 'users'): Promise<string> {
  const auth = new OAuth2Client();
  auth.setCredentials({ access_token: sandbox.accessTokens.issue({ sub, clientId: TEST_CLIENT.clientId, scopes: [...PHOTOS_SCOPES], lifetimeSeconds: 3600 }).token });
  const picker = createPickerApi(createPhotosHttp({ auth, timeoutMs: 5_000, retry: { maxRetries: 0, baseDelayMs: 1, maxRetryDelayMs: 1 } }), sandbox.endpoints.photosPickerRootUrl);
  const session = await picker.createSession();
  const now = Timestamp.now();
  const doc: PhotoSessionDoc = {
    sessionId: session.id,
    state: 'open',
    createdAt: now,
    updatedAt: now,
    expireTime: Timestamp.fromDate(new Date(session.expireTime)),
    pollIntervalSeconds: durationSeconds(session.pollingConfig?.pollInterval) ?? DEFAULT_POLL_INTERVAL_SECONDS,
  };
  await photoSessions(db, usersCollection, sub).doc(session.id).set(doc);
  return session.id;
}

/** The user picks two photos and a video in Google Photos and taps Done. */
export async function pickTwoPhotosAndAVideo(sandbox: SandboxGoogle, sessionId: string): Promise<string[]> {
  const photo = async (seed: number) => (await testPhoto(96, 64, { seed })).toString('base64');
  return sandbox.admin.photosPick({
    sessionId,
    items: [
      { filename: 'IMG_0001.JPG', mimeType: 'image/jpeg', base64: await photo(1) },
      { filename: 'clip.mp4', mimeType: 'video/mp4', base64: Buffer.from('not really a video').toString('base64') },
      { filename: 'IMG_0002.JPG', mimeType: 'image/jpeg', base64: await photo(2) },
    ],
  }).mediaItemIds;
}
