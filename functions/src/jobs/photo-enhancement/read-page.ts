import type { drive_v3 } from '@googleapis/drive';
import { changesCursor, listingCursor, type PhotoCursor } from './cursor';
import { listAppDataFiles, listChanges } from './drive-photos';
import type { PhotoFile } from './photo-file';

export interface CursorPage {
  files: PhotoFile[];
  /** Where to continue once every file of this page is handled. */
  next: PhotoCursor;
  /** True on the changes feed's last page: nothing more to read until Drive changes again. */
  caughtUp: boolean;
}

/**
 * Reads the page a cursor points at. The listing sweep hands over to the changes feed at the
 * start token taken before the sweep, so files added during the sweep are seen (maybe twice;
 * the second time they are already marked).
 */
export async function readPage(drive: drive_v3.Drive, cursor: PhotoCursor, pageSize: number): Promise<CursorPage> {
  if (cursor.phase === 'listing') {
    const page = await listAppDataFiles(drive, cursor.pageToken, pageSize);
    const next =
      page.nextPageToken === undefined
        ? changesCursor(cursor.startPageToken)
        : listingCursor(cursor.startPageToken, page.nextPageToken);
    return { files: page.files, next, caughtUp: false };
  }
  const page = await listChanges(drive, cursor.pageToken, pageSize);
  if (page.nextPageToken !== undefined) return { files: page.files, next: changesCursor(page.nextPageToken), caughtUp: false };
  if (page.newStartPageToken === undefined) throw new Error('Drive answered changes.list with neither nextPageToken nor newStartPageToken');
  return { files: page.files, next: changesCursor(page.newStartPageToken), caughtUp: true };
}
