import type { Firestore } from '@google-cloud/firestore';
import type { WeightedBudget } from '../../concurrency/weighted-budget';
import type { DriveRetryPolicy } from '../../drive/retry-policy';
import type { UserEvents } from '../../events/user-events';
import { GrantRevokedError } from '../../google/refresh-access-token';
import { createLibraryApi } from '../../google-photos/library-api';
import type { PhotosConfig } from '../../google-photos/photos-config';
import { createPhotosHttp, isPhotosCallError } from '../../google-photos/photos-http';
import { PHOTOS_SCOPES } from '../../google-photos/photos-scopes';
import { createPickerApi } from '../../google-photos/picker-api';
import { openPhotoSessions, photoAlbums } from '../../google-photos/session-store';
import type { EnhanceOptions } from '../../photos/enhance';
import type { OfflineJob, OfflineJobContext, OfflineJobResult } from '../offline-job';
import { isOfflineJobError, OfflineJobError, offlineJobErrorFromCall } from '../offline-job-error';
import { albumKey } from './album';
import { SessionGoneError, SessionRun } from './session-run';

export const PHOTOS_PICKER_JOB = 'photos-picker';

export interface PhotosPickerJobDeps {
  db: Firestore;
  usersCollection: string;
  events: UserEvents;
  photos: PhotosConfig;
  /** The instance's budget of source bytes, shared with the Drive photo job. */
  sourceBudget: WeightedBudget;
  maxSourceBytes: number;
  /** With the instance's pixel budget, shared with the Drive photo job. */
  enhance: EnhanceOptions;
}

/**
 * Enhances the photos a user picked in Google Photos (createPhotoPickerSession) and adds the
 * results to an app-created album. While a session is open the user is run again at the
 * session's polling interval; the job keeps no cursor of its own (each session's progress is in
 * Firestore, item by item: session-run.ts). A user without open sessions costs one query.
 */
export function createPhotosPickerJob(deps: PhotosPickerJobDeps): OfflineJob {
  const retry: DriveRetryPolicy = { maxRetries: deps.photos.maxRetries, baseDelayMs: 500, maxRetryDelayMs: deps.photos.maxRetryDelayMs };
  return {
    name: PHOTOS_PICKER_JOB,
    requiredScopes: PHOTOS_SCOPES,
    async run(context: OfflineJobContext): Promise<OfflineJobResult> {
      const sessions = await openPhotoSessions(deps.db, deps.usersCollection, context.user.id);
      const summary = { photosAdded: 0, photosSkipped: 0, photosFailed: 0, photoSessionsDone: 0, photoSessionsExpired: 0 };
      if (sessions.length === 0) return { cursor: {}, summary, done: true };
      const http = createPhotosHttp({ auth: context.auth, timeoutMs: deps.photos.timeoutMs, retry, signal: context.signal });
      const userRef = deps.db.collection(deps.usersCollection).doc(context.user.id);
      const logger = context.logger.child({ job: PHOTOS_PICKER_JOB, userId: context.user.id });
      const sessionDeps = {
        db: deps.db,
        userRef,
        albumRef: photoAlbums(deps.db, deps.usersCollection, context.user.id).doc(albumKey(deps.photos.albumTitle)),
        albumTitle: deps.photos.albumTitle,
        picker: createPickerApi(http, deps.photos.pickerRootUrl),
        library: createLibraryApi(http, deps.photos.libraryRootUrl),
        events: deps.events,
        sourceBudget: deps.sourceBudget,
        maxSourceBytes: deps.maxSourceBytes,
        enhance: deps.enhance,
        // After a run that never finished, every decode is counted before it starts (session-run.ts).
        countAttemptsFirst: context.unfinishedRuns > 0,
        deadline: context.deadline,
        signal: context.signal,
        now: context.now,
        logger,
      };
      let done = true;
      let runAgainInSeconds: number | undefined;
      try {
        for (const session of sessions) {
          if (context.now() >= context.deadline) {
            done = false;
            break;
          }
          const step = await new SessionRun(session, sessionDeps).advance().catch((error: unknown) => {
            // A disconnect deleted the session's records mid-run: nothing of it is left to do.
            if (error instanceof SessionGoneError) return undefined;
            throw error;
          });
          if (step === undefined) continue;
          if (step.kind === 'waiting') runAgainInSeconds = Math.min(runAgainInSeconds ?? Infinity, step.pollSeconds);
          else if (step.kind === 'pending') done = false;
          else {
            summary.photosAdded += step.counts.added;
            summary.photosSkipped += step.counts.skipped;
            summary.photosFailed += step.counts.failed;
            if (step.outcome === 'done') summary.photoSessionsDone += 1;
            else summary.photoSessionsExpired += 1;
          }
        }
      } catch (error) {
        if (isOfflineJobError(error) || error instanceof GrantRevokedError) throw error;
        if (isPhotosCallError(error)) throw offlineJobErrorFromCall(error, { summary });
        throw new OfflineJobError('job_failed', 'The Photos job failed unexpectedly', { summary, cause: error });
      }
      return { cursor: {}, summary, done, ...(runAgainInSeconds === undefined ? {} : { runAgainInSeconds }) };
    },
  };
}
