import type { drive_v3 } from '@googleapis/drive';
import { isDriveCallError } from '../../drive/drive-call';
import { type FailureClass, RetriesExhaustedError, type RetryPolicy, withRetry } from '../../retry/retry';
import { enhancePhoto, type EnhanceOptions } from '../../photos/enhance';
import { decodeTriesSpent, decoderFailuresAfterFailure } from '../../photos/decode-attempts';
import { isDecoderFailedError, isUnsupportedImageError, UNSUPPORTED_IMAGE } from '../../photos/unsupported-image-error';
import { downloadFile, findResultOf, setAppProperties, uploadResult } from './drive-photos';
import { APP_PROPERTY, enhancedFileName } from './photo-file';

export type PhotoOutcome = 'enhanced' | 'linked_existing' | 'unsupported' | 'decoder_failed' | 'refused' | 'too_large' | 'gone';

export interface SourcePhoto {
  id: string;
  name: string | null | undefined;
  /** As the listing or the change sent them (the decoder failures so far are counted there). */
  appProperties?: Record<string, string> | null | undefined;
  /** Its folder, where the result goes. */
  parents?: string[] | null | undefined;
  /**
   * Its result as the changes feed, read to its end, showed it (read-page.ts): an id, or null for
   * none. Absent: not known, looked up by query.
   */
  knownResult?: string | null;
}

/** The `enhanceError` of a source whose bytes Drive will not serve (drive-photos.ts). */
export const DOWNLOAD_REFUSED = 'download_refused';

export interface EnhanceOneSettings {
  maxSourceBytes: number;
  enhance: EnhanceOptions;
  /**
   * Count each decode as a failure before it starts (and take the count back once it went well):
   * set when the user's previous run never finished (OfflineJobContext.unfinishedRuns), since a
   * decode that kills the process leaves no chance to count it afterwards.
   */
  countAttemptsFirst?: boolean;
}

/** Like the Drive client's own retries of idempotent calls (drive-client.ts). */
const UPLOAD_RETRY: RetryPolicy = { maxAttempts: 4, baseDelayMs: 500, maxDelayMs: 10_000 };

/**
 * Enhances one source photo, exactly once however often it is attempted:
 * the result is looked up by `derivedFrom` before anything is downloaded, so a run that died
 * between uploading and marking, or whose upload failed in a way that may have made the file
 * (uploadExactlyOnce), only marks the source next time. A photo that cannot be decoded
 * is marked with `enhanceError` and never downloaded again, as is one whose download Drive refuses
 * for that file alone (flagged as malware). A photo whose decoder failed without proving it bad
 * (recordDecoderFailure), or whose decode may have taken its run down (countAttemptsFirst), is
 * tried again later, PHOTO_LIMITS.decodeAttempts times in all. A file deleted meanwhile is `gone`.
 */
export async function enhanceOne(drive: drive_v3.Drive, source: SourcePhoto, settings: EnhanceOneSettings): Promise<PhotoOutcome> {
  try {
    const existing = source.knownResult === undefined ? await findResultOf(drive, source.id) : (source.knownResult ?? undefined);
    if (existing !== undefined) {
      await markEnhanced(drive, source, existing);
      return 'linked_existing';
    }
    if (settings.countAttemptsFirst && decodeTriesSpent(decoderFailuresOf(source))) {
      // As many counted tries as allowed, each failed or went down with its run: no further try.
      await markUnsupported(drive, source);
      return 'unsupported';
    }
    const download = await downloadFile(drive, source.id, settings.maxSourceBytes);
    if (download.kind === 'too_large') return 'too_large';
    if (download.kind === 'refused') {
      // Marked like an undecodable photo, so that one file never holds back the user's later ones.
      await setAppProperties(drive, source.id, { [APP_PROPERTY.enhanceError]: DOWNLOAD_REFUSED, ...clearedFailures(source) });
      return 'refused';
    }
    const counted = settings.countAttemptsFirst ? await countAttempt(drive, source) : undefined;
    const enhanced = await enhanceOrMark(drive, counted ?? source, download.data, settings.enhance, counted !== undefined);
    if (typeof enhanced === 'string') return enhanced;
    // The decode is over and went well: its count is taken back now, not by the marking, since the
    // upload can still fail or be cut for reasons that say nothing about the photo, and counts left
    // by such runs would give a good photo up as unsupported.
    if (counted) await uncountAttempt(drive, source);
    const resultId = await uploadExactlyOnce(drive, source, enhancedFileName(source.name), enhanced, settings.enhance.signal);
    await markEnhanced(drive, source, resultId);
    return 'enhanced';
  } catch (error) {
    if (isDriveCallError(error) && error.failure.code === 'not_found') return 'gone';
    throw error;
  }
}

/** `counted`: this attempt is in the source's count already (countAttempt). */
async function enhanceOrMark(
  drive: drive_v3.Drive,
  source: SourcePhoto,
  bytes: Buffer,
  options: EnhanceOptions,
  counted: boolean,
): Promise<Buffer | 'unsupported' | 'decoder_failed'> {
  try {
    return (await enhancePhoto(bytes, options)).data;
  } catch (error) {
    if (isDecoderFailedError(error)) return recordDecoderFailure(drive, source, counted);
    if (!isUnsupportedImageError(error)) throw error;
    await markUnsupported(drive, source);
    return 'unsupported';
  }
}

/** Writes this attempt into the source's count before the decode; the source as it now stands. */
async function countAttempt(drive: drive_v3.Drive, source: SourcePhoto): Promise<SourcePhoto> {
  const decoderFailures = String(decoderFailuresOf(source) + 1);
  await setAppProperties(drive, source.id, { [APP_PROPERTY.decoderFailures]: decoderFailures });
  return { ...source, appProperties: { ...source.appProperties, [APP_PROPERTY.decoderFailures]: decoderFailures } };
}

/** Puts the source's count back to what it was before countAttempt (`source` is the photo as read). */
async function uncountAttempt(drive: drive_v3.Drive, source: SourcePhoto): Promise<void> {
  const before = decoderFailuresOf(source);
  await setAppProperties(drive, source.id, { [APP_PROPERTY.decoderFailures]: before === 0 ? null : String(before) });
}

function markUnsupported(drive: drive_v3.Drive, source: SourcePhoto): Promise<void> {
  return setAppProperties(drive, source.id, { [APP_PROPERTY.enhanceError]: UNSUPPORTED_IMAGE, ...clearedFailures(source) });
}

/**
 * A decoder that crashed, ran out of time or of memory has not shown the photo bad: the failure
 * is counted on the photo, and that update is itself a change in the user's Drive feed, so a later
 * run's changes.list brings the photo back (the cursor moves on meanwhile, so the user's other
 * photos are not held back). At PHOTO_LIMITS.decodeAttempts failures it is marked unsupported,
 * as an undecodable photo is at once.
 */
async function recordDecoderFailure(drive: drive_v3.Drive, source: SourcePhoto, counted: boolean): Promise<'unsupported' | 'decoder_failed'> {
  const failures = decoderFailuresAfterFailure(decoderFailuresOf(source), counted);
  if (decodeTriesSpent(failures)) {
    await markUnsupported(drive, source);
    return 'unsupported';
  }
  // A counted attempt's write is the change that brings the photo back.
  if (!counted) await setAppProperties(drive, source.id, { [APP_PROPERTY.decoderFailures]: String(failures) });
  return 'decoder_failed';
}

function decoderFailuresOf(source: SourcePhoto): number {
  const count = Number(source.appProperties?.[APP_PROPERTY.decoderFailures]);
  return Number.isSafeInteger(count) && count > 0 ? count : 0;
}

/** Removes the failure count once the photo is settled (only when there is one: same request otherwise). */
function clearedFailures(source: SourcePhoto): Record<string, null> {
  return source.appProperties?.[APP_PROPERTY.decoderFailures] === undefined ? {} : { [APP_PROPERTY.decoderFailures]: null };
}

/**
 * files.create is a POST, which the Drive client never retries: a create that failed may still
 * have happened. It is repeated here only when Drive cannot have made the file: Drive refused it as
 * rate-limited (429, or a rate-limit 403), or the request never left (refused connection, name not
 * resolved). Any other failure (a 5xx, a timeout, a reset connection) may have followed a create
 * that did happen, and looking for it at once would ask Drive's search index, which lags its
 * writes: a file made a moment ago can be missing from files.list, and a second result would be
 * made. So that failure ends the user's run (transient: the user is retried in 30-60 s, with the
 * cursor from before this page), and the next run's lookup by `derivedFrom`, before anything is
 * downloaded, finds the result if it was made, as after a crash between upload and marking.
 * `signal`: the run's hard stop, after which no retry starts and a backoff in progress ends.
 */
async function uploadExactlyOnce(drive: drive_v3.Drive, source: SourcePhoto, name: string, jpeg: Buffer, signal: AbortSignal | undefined): Promise<string> {
  try {
    return await withRetry(() => uploadResult(drive, source, name, jpeg), createNotMade, UPLOAD_RETRY, {}, signal);
  } catch (error) {
    // The Drive failure itself, so the run reports rate_limited / unavailable with its Retry-After.
    throw error instanceof RetriesExhaustedError ? error.lastError : error;
  }
}

/** Transient, and certain to have made nothing: the only failures of files.create repeated in the run. */
function createNotMade(error: unknown): FailureClass {
  if (!isDriveCallError(error) || !error.failure.transient) return { kind: 'permanent' };
  if (error.failure.code !== 'rate_limited' && !error.failure.neverSent) return { kind: 'permanent' };
  return error.failure.retryAfterMs === undefined ? { kind: 'transient' } : { kind: 'transient', retryAfterMs: error.failure.retryAfterMs };
}

function markEnhanced(drive: drive_v3.Drive, source: SourcePhoto, resultId: string): Promise<void> {
  return setAppProperties(drive, source.id, { [APP_PROPERTY.enhancedId]: resultId, ...clearedFailures(source) });
}
