import { createHash } from 'node:crypto';
import { type DocumentReference, Timestamp } from '@google-cloud/firestore';
import type { LibraryApi } from '../../google-photos/library-api';
import type { PhotoAlbumDoc } from '../../google-photos/session-store';

/**
 * The app-created album for one user and title, made once. albums.create is not idempotent at
 * Google, so the intent is recorded first: a run that finds `creating` (its predecessor died
 * between the two writes) looks among the albums this app created for one with the title before
 * making another.
 */
export async function ensureAlbum(ref: DocumentReference, title: string, library: LibraryApi, now: () => number): Promise<string> {
  const doc = (await ref.get()).data() as PhotoAlbumDoc | undefined;
  if (doc?.state === 'created' && doc.albumId && doc.title === title) return doc.albumId;
  if (doc?.state === 'creating') {
    const found = await findAppAlbum(library, title);
    if (found) return record(ref, title, found, now);
  }
  await ref.set({ title, state: 'creating', updatedAt: Timestamp.fromMillis(now()) } satisfies PhotoAlbumDoc);
  const album = await library.createAlbum(title);
  return record(ref, title, album.id, now);
}

/** The album document's id: one per title, so a new PHOTOS_ALBUM_TITLE makes a new album. */
export function albumKey(title: string): string {
  return createHash('sha256').update(title).digest('hex').slice(0, 32);
}

async function record(ref: DocumentReference, title: string, albumId: string, now: () => number): Promise<string> {
  await ref.set({ title, state: 'created', albumId, updatedAt: Timestamp.fromMillis(now()) } satisfies PhotoAlbumDoc);
  return albumId;
}

async function findAppAlbum(library: LibraryApi, title: string): Promise<string | undefined> {
  let pageToken: string | undefined;
  do {
    const page = await library.listAlbums(pageToken);
    const match = page.albums.find((album) => album.title === title);
    if (match) return match.id;
    pageToken = page.nextPageToken;
  } while (pageToken);
  return undefined;
}
