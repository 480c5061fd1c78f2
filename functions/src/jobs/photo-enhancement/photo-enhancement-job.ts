import { createWeightedBudget, type WeightedBudget } from '../../concurrency/weighted-budget';
import { isDriveCallError } from '../../drive/drive-call';
import type { Logger } from '../../logging/logger';
import type { EnhanceOptions } from '../../photos/enhance';
import { PHOTO_LIMITS } from '../../photos/limits';
import type { JobCursor, OfflineJob, OfflineJobContext, OfflineJobResult } from '../offline-job';
import { isOfflineJobError, OfflineJobError, offlineJobErrorFromCall } from '../offline-job-error';
import { listingCursor, type PhotoCursor, readPhotoCursor } from './cursor';
import { getStartPageToken, storageFull } from './drive-photos';
import { enhanceOne, type EnhanceOneSettings } from './enhance-one';
import { decideOnFile, type PhotoFile } from './photo-file';
import { type PageBatch, readBatch } from './read-page';
import { Tally } from './tally';

export const PHOTO_ENHANCEMENT_JOB = 'photo-enhancement';
export const DRIVE_APPDATA_SCOPE = 'https://www.googleapis.com/auth/drive.appdata';

export interface PhotoEnhancementOptions {
  /** Files per files.list / changes.list page. */
  pageSize?: number;
  /**
   * Changes pages read before handling their files (read-page.ts, readBatch): when the feed ends
   * within them, no source needs its own query for an earlier result. 10 pages of 100 cover any
   * hourly run of a phone app's folder.
   */
  readAheadPages?: number;
  maxSourceBytes?: number;
  /** Source bytes held at once by all runs of this job instance (one per worker instance). */
  maxSourceBytesInFlight?: number;
  /** Decoded pixels held at once by all runs of this job instance (see photos/decoded-pixels.ts). */
  maxDecodedPixelsInFlight?: number;
  /** Budgets shared with other jobs on the instance (registered-jobs.ts); they replace the two limits above. */
  sourceBudget?: WeightedBudget;
  pixelBudget?: WeightedBudget;
  enhance?: EnhanceOptions;
}

/**
 * Enhances the photos a mobile app puts in the user's app data folder: a sweep of what is there
 * on the first run, then the changes feed. See cursor.ts for how it resumes and enhance-one.ts
 * for why nothing is ever made twice.
 */
export function createPhotoEnhancementJob(options: PhotoEnhancementOptions = {}): OfflineJob {
  const pageSize = options.pageSize ?? 100;
  const readAheadPages = options.readAheadPages ?? 10;
  // Both budgets are the instance's: every run of this job, for every message, shares them. A photo
  // takes its source bytes for the download, then its decoded pixels for the decode (in that order).
  const pixelBudget = options.pixelBudget ?? createWeightedBudget(options.maxDecodedPixelsInFlight ?? PHOTO_LIMITS.maxDecodedPixelsInFlight);
  const settings: EnhanceOneSettings = {
    maxSourceBytes: options.maxSourceBytes ?? PHOTO_LIMITS.maxSourceBytes,
    enhance: { ...options.enhance, pixelBudget },
  };
  const budget = options.sourceBudget ?? createWeightedBudget(options.maxSourceBytesInFlight ?? PHOTO_LIMITS.maxSourceBytesInFlight);
  return {
    name: PHOTO_ENHANCEMENT_JOB,
    requiredScopes: [DRIVE_APPDATA_SCOPE],
    // The run's stop reaches the decode too (a HEIC decode in flight is ended).
    run: (context) =>
      new PhotoRun(
        context,
        { pageSize, readAheadPages },
        // After a run that never finished, every decode is counted before it starts (enhance-one.ts).
        { ...settings, countAttemptsFirst: context.unfinishedRuns > 0, enhance: { ...settings.enhance, signal: context.signal } },
        budget,
      ).run(),
  };
}

class PhotoRun {
  private readonly tally = new Tally();
  private readonly logger: Logger;
  private cursor: PhotoCursor | undefined;

  constructor(
    private readonly context: OfflineJobContext,
    private readonly paging: { pageSize: number; readAheadPages: number },
    private readonly settings: EnhanceOneSettings,
    private readonly budget: WeightedBudget,
  ) {
    this.logger = context.logger.child({ job: PHOTO_ENHANCEMENT_JOB, userId: context.user.id });
    this.cursor = readPhotoCursor(context.cursor);
    if (context.cursor !== undefined && this.cursor === undefined) {
      // Starting over is safe (handled files carry their marks); it only costs a re-listing.
      this.logger.warn('saved cursor not understood; starting from a fresh listing');
    }
  }

  async run(): Promise<OfflineJobResult> {
    try {
      return await this.walk();
    } catch (error) {
      throw this.asJobError(error);
    }
  }

  private async walk(): Promise<OfflineJobResult> {
    let cursor = this.cursor ?? (await this.freshCursor());
    // The last run's result was refused for a full Drive: nothing is downloaded while it still is.
    if (cursor.storageFull && (await storageFull(this.context.drive))) throw this.storageStillFull(cursor);
    let restarted = false;
    for (;;) {
      if (this.pastDeadline()) return this.result(cursor, false);
      let batch: PageBatch;
      try {
        batch = await readBatch(this.context.drive, cursor, this.paging.pageSize, this.paging.readAheadPages);
      } catch (error) {
        if (restarted || !isStalePageToken(error)) throw error;
        restarted = true;
        this.logger.warn('Drive refused the saved page token; starting from a fresh listing');
        cursor = await this.freshCursor();
        continue;
      }
      for (const page of batch.pages) {
        this.tally.add('pages');
        for (const file of page.files) {
          // Stopping here re-reads this page next run; the files already handled are marked by then.
          if (this.pastDeadline()) return this.result(cursor, false);
          await this.handle(file, batch.resultsBySource);
        }
        cursor = this.cursor = page.next;
        if (page.caughtUp) return this.result(cursor, true);
      }
    }
  }

  /** Takes the changes start token before listing, so nothing added during the listing is missed. */
  private async freshCursor(): Promise<PhotoCursor> {
    this.cursor = listingCursor(await getStartPageToken(this.context.drive));
    return this.cursor;
  }

  private async handle(file: PhotoFile, resultsBySource: ReadonlyMap<string, string> | undefined): Promise<void> {
    const decision = decideOnFile(file, this.settings.maxSourceBytes);
    if (decision.action === 'skip') {
      this.tally.add(decision.reason === 'too_large' ? 'too_large' : 'skipped');
      return;
    }
    // Drive's size when it sent one; otherwise the most the download may be.
    const size = Number(file.size);
    const bytes = file.size != null && Number.isFinite(size) ? size : this.settings.maxSourceBytes;
    const source = {
      id: decision.fileId,
      name: file.name,
      appProperties: file.appProperties,
      parents: file.parents,
      ...(resultsBySource === undefined ? {} : { knownResult: resultsBySource.get(decision.fileId) ?? null }),
    };
    const outcome = await this.budget.use(bytes, () => enhanceOne(this.context.drive, source, this.settings), this.context.signal);
    this.tally.add(outcome);
    this.logger.info('photo handled', { fileId: decision.fileId, outcome });
  }

  private pastDeadline(): boolean {
    return this.context.now() >= this.context.deadline;
  }

  private result(cursor: PhotoCursor, done: boolean): OfflineJobResult {
    const summary = this.tally.summary();
    this.logger.info(done ? 'photo job caught up' : 'photo job stopped at its deadline', { ...summary });
    return { cursor: toJobCursor(cursor), summary, done };
  }

  private storageStillFull(cursor: PhotoCursor): OfflineJobError {
    return new OfflineJobError('drive_storage_full', "The user's Google storage is still full", { resumeCursor: toJobCursor(cursor), summary: this.tally.summary() });
  }

  private asJobError(error: unknown): OfflineJobError {
    if (isOfflineJobError(error)) return error;
    // A result refused for a full Drive: the next run starts on this page, by asking about the storage.
    const full = isDriveCallError(error) && error.failure.code === 'storage_full';
    const progress = {
      ...(this.cursor === undefined ? {} : { resumeCursor: toJobCursor(full ? { ...this.cursor, storageFull: true } : this.cursor) }),
      summary: this.tally.summary(),
    };
    if (isDriveCallError(error)) return offlineJobErrorFromCall(error, progress);
    return new OfflineJobError('job_failed', 'The photo job failed unexpectedly', { ...progress, cause: error });
  }
}

/** A page token Drive no longer accepts (expired, or from a sandbox that restarted): Drive's answer, not a call that got none (aborted). */
function isStalePageToken(error: unknown): boolean {
  return isDriveCallError(error) && error.failure.httpStatus !== undefined && (error.failure.code === 'rejected' || error.failure.code === 'not_found');
}

function toJobCursor(cursor: PhotoCursor): JobCursor {
  return { ...cursor };
}
