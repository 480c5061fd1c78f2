import type { drive_v3 } from '@googleapis/drive';
import { changesCursor, listingCursor, type PhotoCursor } from './cursor';
import { listAppDataFiles, listChanges } from './drive-photos';
import { APP_PROPERTY, type PhotoFile } from './photo-file';

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

/**
 * Pages read before any of their files is handled: one in the listing, and up to `maxPages` of
 * the changes feed (a failure after the first page only ends the read-ahead: the run reads that
 * page again when it gets there, and reports its failure then).
 */
export interface PageBatch {
  pages: CursorPage[];
  /**
   * Set when the changes feed was read to its end: the result of every source that has one, from
   * the results' own changes. A result is made after its source's change was read, by a run
   * whose cursor had not passed that change, and so is in the feed from any cursor a later run
   * starts at; a source missing here has none, and is not looked up by query. Undefined in the
   * listing and when the feed is longer than the read-ahead: results are then looked up by query.
   */
  resultsBySource: ReadonlyMap<string, string> | undefined;
}

export async function readBatch(drive: drive_v3.Drive, cursor: PhotoCursor, pageSize: number, maxPages: number): Promise<PageBatch> {
  const pages = [await readPage(drive, cursor, pageSize)];
  if (cursor.phase === 'changes') {
    while (!pages.at(-1)!.caughtUp && pages.length < maxPages) {
      try {
        pages.push(await readPage(drive, pages.at(-1)!.next, pageSize));
      } catch {
        break;
      }
    }
  }
  return batchOf(pages, cursor.phase === 'changes' && pages.at(-1)!.caughtUp);
}

/**
 * A file seen on two pages (changed again between their reads) is handled once, at its last
 * sighting, which has its latest state.
 */
export function batchOf(pages: CursorPage[], readToEnd: boolean): PageBatch {
  const lastSighting = new Map<string, string>();
  pages.forEach((page, p) => page.files.forEach((file, f) => file.id && lastSighting.set(file.id, `${p}:${f}`)));
  const deduplicated = pages.map((page, p) => ({ ...page, files: page.files.filter((file, f) => !file.id || lastSighting.get(file.id) === `${p}:${f}`) }));
  if (!readToEnd) return { pages: deduplicated, resultsBySource: undefined };
  const resultsBySource = new Map<string, string>();
  for (const page of deduplicated) {
    for (const file of page.files) {
      const source = file.appProperties?.[APP_PROPERTY.derivedFrom];
      if (source !== undefined && file.id && !file.trashed) resultsBySource.set(source, file.id);
    }
  }
  return { pages: deduplicated, resultsBySource };
}
