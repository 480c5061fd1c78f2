import { Readable } from 'node:stream';
import type { drive_v3 } from '@googleapis/drive';
import { driveCall, isDriveCallError } from '../../drive/drive-call';
import { mediaUploadOptions } from '../../drive/drive-client';
import { IMAGES_IN_APP_DATA, resultsDerivedFrom } from './app-data-queries';
import { APP_PROPERTY, PHOTO_FILE_FIELDS, type PhotoFile } from './photo-file';

/**
 * The Drive calls of the photo job, one small function each, all in the user's app data folder.
 * Failures surface as DriveCallError (after the client's retries for idempotent calls).
 */
const SPACE = 'appDataFolder';

export interface FilePage {
  files: PhotoFile[];
  nextPageToken: string | undefined;
}

export interface ChangePage extends FilePage {
  /** Only on the last page: where the next run starts. */
  newStartPageToken: string | undefined;
}

export async function getStartPageToken(drive: drive_v3.Drive): Promise<string> {
  const { data } = await driveCall('changes.getStartPageToken', () =>
    drive.changes.getStartPageToken({ fields: 'startPageToken' }),
  );
  if (!data.startPageToken) throw new Error('Drive answered getStartPageToken without a token');
  return data.startPageToken;
}

export async function listAppDataFiles(drive: drive_v3.Drive, pageToken: string | null, pageSize: number): Promise<FilePage> {
  const { data } = await driveCall('files.list', () =>
    drive.files.list({
      spaces: SPACE,
      q: IMAGES_IN_APP_DATA,
      pageSize,
      ...(pageToken === null ? {} : { pageToken }),
      fields: `nextPageToken,files(${PHOTO_FILE_FIELDS})`,
    }),
  );
  return { files: data.files ?? [], nextPageToken: data.nextPageToken ?? undefined };
}

export async function listChanges(drive: drive_v3.Drive, pageToken: string, pageSize: number): Promise<ChangePage> {
  const { data } = await driveCall('changes.list', () =>
    drive.changes.list({
      spaces: SPACE,
      pageToken,
      pageSize,
      fields: `nextPageToken,newStartPageToken,changes(fileId,removed,file(${PHOTO_FILE_FIELDS}))`,
    }),
  );
  const files = (data.changes ?? []).flatMap((change) => (change.removed || !change.file ? [] : [change.file]));
  return { files, nextPageToken: data.nextPageToken ?? undefined, newStartPageToken: data.newStartPageToken ?? undefined };
}

/** The result already made from this source, if any (a run that died before marking the source). */
export async function findResultOf(drive: drive_v3.Drive, sourceId: string): Promise<string | undefined> {
  const { data } = await driveCall('files.list', () =>
    drive.files.list({ spaces: SPACE, q: resultsDerivedFrom(sourceId), pageSize: 1, fields: 'files(id)' }),
  );
  return data.files?.[0]?.id ?? undefined;
}

export type Download = { kind: 'bytes'; data: Buffer } | { kind: 'too_large' } | { kind: 'refused' };

/**
 * Drive's 403 reasons that refuse this one file's bytes, whoever asks: flagged as malware or spam
 * (only the owner, acknowledging the risk, may download it: a server must not acknowledge for the
 * user), or downloading turned off for it. Any other 403 may be the user's or the app's, for every file.
 */
const FILE_REFUSED_REASONS = new Set(['cannotDownloadAbusiveFile', 'cannotDownloadFile']);

export async function downloadFile(drive: drive_v3.Drive, fileId: string, maxBytes: number): Promise<Download> {
  try {
    const response = await driveCall('files.get media', () =>
      drive.files.get({ fileId, alt: 'media' }, { responseType: 'arraybuffer', maxContentLength: maxBytes }),
    );
    const data = Buffer.from(response.data as unknown as ArrayBuffer);
    return data.length > maxBytes ? { kind: 'too_large' } : { kind: 'bytes', data };
  } catch (error) {
    // gaxios refuses an over-long body with the 200 response attached: that is the file, not Drive, failing.
    if (isDriveCallError(error) && isSuccess(error.failure.httpStatus)) return { kind: 'too_large' };
    if (isDriveCallError(error) && error.failure.httpStatus === 403 && FILE_REFUSED_REASONS.has(error.failure.reason ?? '')) return { kind: 'refused' };
    throw error;
  }
}

const isSuccess = (status: number | undefined): boolean => status !== undefined && status >= 200 && status < 300;

/**
 * Uploads the enhanced JPEG beside its source (in the source's folder; the app data folder's top
 * when Drive did not say). POST: never retried by the client (see retry-policy.ts).
 */
export async function uploadResult(drive: drive_v3.Drive, source: { id: string; parents?: string[] | null | undefined }, name: string, jpeg: Buffer): Promise<string> {
  const { data } = await driveCall('files.create', () =>
    drive.files.create(
      {
        requestBody: {
          name,
          mimeType: 'image/jpeg',
          parents: [source.parents?.[0] ?? SPACE],
          appProperties: { [APP_PROPERTY.derivedFrom]: source.id },
        },
        media: { mimeType: 'image/jpeg', body: Readable.from(jpeg) },
        fields: 'id',
      },
      mediaUploadOptions(drive),
    ),
  );
  if (!data.id) throw new Error('Drive answered files.create without an id');
  return data.id;
}

/**
 * Whether the user's Google storage is full (about.get's `storageQuota`: usage across Drive, Gmail
 * and Photos against the limit, which is absent for unlimited storage). Asked only after an upload
 * was refused for it, so that a full Drive costs one cheap call per run, not a download and an
 * enhancement whose result cannot be stored.
 */
export async function storageFull(drive: drive_v3.Drive): Promise<boolean> {
  const { data } = await driveCall('about.get', () => drive.about.get({ fields: 'storageQuota(limit,usage)' }));
  const { limit, usage } = data.storageQuota ?? {};
  if (limit == null || usage == null) return false;
  try {
    return BigInt(usage) >= BigInt(limit);
  } catch {
    // Not the int64 strings Drive sends: try the run, whose upload says it again if need be.
    return false;
  }
}

/** Sets appProperties on a file (a null value removes its key); other keys are left as they are (Drive merges appProperties). */
export async function setAppProperties(drive: drive_v3.Drive, fileId: string, properties: Record<string, string | null>): Promise<void> {
  // The generated types allow strings only, but Drive's wire format takes null as "remove this key".
  const appProperties = properties as Record<string, string>;
  await driveCall('files.update', () => drive.files.update({ fileId, requestBody: { appProperties }, fields: 'id' }));
}
