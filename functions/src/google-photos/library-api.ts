import type { PhotosHttp } from './photos-http';

/**
 * The parts of the Google Photos Library API an app may still use since March 31, 2025
 * (https://developers.google.com/photos/library/reference/rest): upload bytes, create an album,
 * add media items to it, and read back what this app created.
 */
export interface AppAlbum {
  id: string;
  title: string;
}

export interface NewMediaItem {
  uploadToken: string;
  /** Shown in Google Photos; also how a run finds what an earlier run created (see photos-picker). */
  fileName: string;
}

/** One `newMediaItemResults` entry: Google answers 200 for a batch and reports each item here. */
export type NewMediaItemResult =
  | { ok: true; mediaItemId: string }
  | { ok: false; code: number | undefined; message: string };

export interface AppMediaItem {
  id: string;
  filename: string | undefined;
}

/** Google's limits: 50 new items per batchCreate, 50 albums and 100 media items per page. */
export const LIBRARY_LIMITS = { batchCreateItems: 50, albumPageSize: 50, searchPageSize: 100 } as const;

export interface LibraryApi {
  /** Raw upload; the answer is the upload token (valid one day), as text. */
  upload(bytes: Buffer, mimeType: string): Promise<string>;
  createAlbum(title: string): Promise<AppAlbum>;
  listAlbums(pageToken: string | undefined): Promise<{ albums: AppAlbum[]; nextPageToken: string | undefined }>;
  batchCreate(albumId: string, items: readonly NewMediaItem[]): Promise<NewMediaItemResult[]>;
  searchAlbum(albumId: string, pageToken: string | undefined): Promise<{ mediaItems: AppMediaItem[]; nextPageToken: string | undefined }>;
}

interface RawResult {
  uploadToken?: string;
  status?: { code?: number; message?: string };
  mediaItem?: { id?: string };
}

export function createLibraryApi(http: PhotosHttp, rootUrl: string): LibraryApi {
  const v1 = `${rootUrl}/v1`;
  return {
    upload: (bytes, mimeType) =>
      http.text('uploads', {
        method: 'POST',
        url: `${v1}/uploads`,
        data: bytes,
        headers: { 'Content-Type': 'application/octet-stream', 'X-Goog-Upload-Content-Type': mimeType, 'X-Goog-Upload-Protocol': 'raw' },
        // An upload is only bytes waiting for batchCreate: sending it again makes another token, never another photo.
        repeatable: true,
      }),
    async createAlbum(title) {
      const album = await http.json<{ id?: string; title?: string }>('albums.create', { method: 'POST', url: `${v1}/albums`, data: { album: { title } } });
      if (!album.id) throw new Error('Google answered albums.create without an id');
      return { id: album.id, title: album.title ?? title };
    },
    async listAlbums(pageToken) {
      const data = await http.json<{ albums?: { id?: string; title?: string }[]; nextPageToken?: string }>('albums.list', {
        method: 'GET',
        url: `${v1}/albums`,
        params: { pageSize: LIBRARY_LIMITS.albumPageSize, ...(pageToken ? { pageToken } : {}) },
      });
      const albums = (data.albums ?? []).flatMap((a) => (a.id ? [{ id: a.id, title: a.title ?? '' }] : []));
      return { albums, nextPageToken: data.nextPageToken || undefined };
    },
    async batchCreate(albumId, items) {
      if (items.length > LIBRARY_LIMITS.batchCreateItems) throw new RangeError(`batchCreate takes at most ${LIBRARY_LIMITS.batchCreateItems} items`);
      const data = await http.json<{ newMediaItemResults?: RawResult[] }>('mediaItems.batchCreate', {
        method: 'POST',
        url: `${v1}/mediaItems:batchCreate`,
        data: {
          albumId,
          newMediaItems: items.map((item) => ({ simpleMediaItem: { uploadToken: item.uploadToken, fileName: item.fileName } })),
        },
      });
      const results = data.newMediaItemResults ?? [];
      // Results name their upload token; match by it rather than trusting the order.
      return items.map((item, index) => toResult(results.find((r) => r.uploadToken === item.uploadToken) ?? results[index]));
    },
    async searchAlbum(albumId, pageToken) {
      const data = await http.json<{ mediaItems?: { id?: string; filename?: string }[]; nextPageToken?: string }>('mediaItems.search', {
        method: 'POST',
        url: `${v1}/mediaItems:search`,
        data: { albumId, pageSize: LIBRARY_LIMITS.searchPageSize, ...(pageToken ? { pageToken } : {}) },
        repeatable: true,
      });
      const mediaItems = (data.mediaItems ?? []).flatMap((m) => (m.id ? [{ id: m.id, filename: m.filename }] : []));
      return { mediaItems, nextPageToken: data.nextPageToken || undefined };
    },
  };
}

/** A success is `{"message": "Success"}` with no code (0, OK); a failure has a google.rpc code. */
function toResult(raw: RawResult | undefined): NewMediaItemResult {
  const code = raw?.status?.code;
  if (raw?.mediaItem?.id && (code === undefined || code === 0)) return { ok: true, mediaItemId: raw.mediaItem.id };
  return { ok: false, code, message: raw?.status?.message ?? 'no result for this item' };
}
