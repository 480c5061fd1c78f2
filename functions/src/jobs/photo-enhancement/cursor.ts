import { z } from 'zod';
import type { JobCursor } from '../offline-job';

/**
 * Where the photo job stands in the user's app data folder.
 * - `listing`: the first run's sweep of files that were there before we started watching.
 *   `startPageToken` was taken before the sweep began, so nothing added meanwhile is missed;
 *   `pageToken` is the files.list page to read next (null: the first page).
 * - `changes`: following the changes feed; `pageToken` is the next changes.list page, or the
 *   `newStartPageToken` of the last run.
 * Both name the page to read next, never a position inside a page: a run that stops mid-page
 * reads that page again, and files already handled are recognised by their appProperties.
 * `storageFull`: a run ended on this page because Drive refused a result for the user's full
 * storage; the next run asks Drive for the storage quota before downloading anything. Any page
 * read to its end leaves it behind (the pages' own cursors never carry it).
 */
export type PhotoCursor =
  | { version: 1; phase: 'listing'; startPageToken: string; pageToken: string | null; storageFull?: true }
  | { version: 1; phase: 'changes'; pageToken: string; storageFull?: true };

const token = z.string().min(1).max(2000);

const storageFull = z.literal(true).optional();

const schema = z.discriminatedUnion('phase', [
  z.object({ version: z.literal(1), phase: z.literal('listing'), startPageToken: token, pageToken: token.nullable(), storageFull }),
  z.object({ version: z.literal(1), phase: z.literal('changes'), pageToken: token, storageFull }),
]);

/** A saved cursor, or undefined when there is none or it is not one this version understands. */
export function readPhotoCursor(saved: JobCursor | undefined): PhotoCursor | undefined {
  if (saved === undefined) return undefined;
  const parsed = schema.safeParse(saved);
  return parsed.success ? parsed.data : undefined;
}

export function listingCursor(startPageToken: string, pageToken: string | null = null): PhotoCursor {
  return { version: 1, phase: 'listing', startPageToken, pageToken };
}

export function changesCursor(pageToken: string): PhotoCursor {
  return { version: 1, phase: 'changes', pageToken };
}
