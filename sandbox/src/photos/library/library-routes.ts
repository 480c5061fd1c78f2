import { z } from 'zod';
import type { Route } from '../../http';
import { imageSize } from '../image-size';
import { photosErrors, type RpcName } from '../photos-error';
import { type PhotosCall, type PhotosReply, photosRoute, type PhotosRouteSpec } from '../photos-route';
import type { PhotosState } from '../photos-state';
import { decodePageToken, decodePathParam, pageOf, pageSizeOf, parseJsonBody, timestamp } from '../wire-format';
import { type AlbumPlacement, type LibraryAlbum, type LibraryItem, MAX_ALBUM_ITEMS } from './library-store';

/** The Library API at `<root>/v1/...`, with root `<sandbox>/photoslibrary` (Google: https://photoslibrary.googleapis.com). */
export const LIBRARY_PREFIX = '/photoslibrary';

const PATHS = {
  uploads: new RegExp(`^${LIBRARY_PREFIX}/v1/uploads$`),
  albums: new RegExp(`^${LIBRARY_PREFIX}/v1/albums$`),
  album: new RegExp(`^${LIBRARY_PREFIX}/v1/albums/(?<albumId>[^/:]+)$`),
  batchCreate: new RegExp(`^${LIBRARY_PREFIX}/v1/mediaItems:batchCreate$`),
  search: new RegExp(`^${LIBRARY_PREFIX}/v1/mediaItems:search$`),
} as const;

const rpc = (method: string): RpcName => ({ service: 'photoslibrary.googleapis.com', method: `google.photos.library.v1.PhotosLibrary.${method}` });

/** Limits from Google's Library reference and guides. */
export const LIBRARY_LIMITS = {
  /** 200 MB for photos, 20 GB for videos. */
  maxPhotoBytes: 200 * 1024 * 1024,
  maxVideoBytes: 20 * 1024 * 1024 * 1024,
  maxBatchCreateItems: 50,
  maxDescriptionLength: 1000,
  maxAlbumTitleLength: 500,
  albumsPage: { default: 20, max: 50 },
  searchPage: { default: 25, max: 100 },
} as const;

const SPECS: readonly PhotosRouteSpec[] = [
  { method: 'POST', path: PATHS.uploads, photosMethod: 'uploads', access: 'append', rpc: rpc('UploadMedia'), handle: upload },
  { method: 'POST', path: PATHS.albums, photosMethod: 'albums.create', access: 'append', rpc: rpc('CreateAlbum'), handle: createAlbum },
  { method: 'GET', path: PATHS.albums, photosMethod: 'albums.list', access: 'read', rpc: rpc('ListAlbums'), handle: listAlbums },
  { method: 'GET', path: PATHS.album, photosMethod: 'albums.get', access: 'read', rpc: rpc('GetAlbum'), handle: getAlbum },
  { method: 'POST', path: PATHS.batchCreate, photosMethod: 'batchCreate', access: 'append', rpc: rpc('BatchCreateMediaItems'), handle: batchCreate },
  { method: 'POST', path: PATHS.search, photosMethod: 'search', access: 'read', rpc: rpc('SearchMediaItems'), handle: search },
];

export function libraryRoutes(state: PhotosState): Route[] {
  return SPECS.map((spec) => photosRoute(state, spec));
}

/** The raw protocol: the body is the file, `X-Goog-Upload-Content-Type` its type; the answer is the upload token as plain text. */
function upload({ request, grant, state }: PhotosCall): PhotosReply {
  const protocol = header(request.headers['x-goog-upload-protocol']);
  if (protocol?.toLowerCase() !== 'raw') throw photosErrors.invalidArgument('The sandbox serves the raw upload protocol only (X-Goog-Upload-Protocol: raw).');
  if (request.body.length === 0) throw photosErrors.invalidArgument('The upload is empty.');
  const mimeType = header(request.headers['x-goog-upload-content-type']) || sniffMimeType(request.body);
  const limit = mimeType.startsWith('video/') ? LIBRARY_LIMITS.maxVideoBytes : LIBRARY_LIMITS.maxPhotoBytes;
  if (request.body.length > limit) throw photosErrors.invalidArgument('The file is larger than Google Photos accepts.');
  const token = state.uploads.add({ sub: grant.sub, clientId: grant.clientId, bytes: Buffer.from(request.body), mimeType });
  return { kind: 'text', body: token };
}

const createAlbumSchema = z.strictObject({ album: z.looseObject({ title: z.string().optional() }) });

function createAlbum({ request, grant, state }: PhotosCall): PhotosReply {
  const { album } = parseJsonBody(request.body, createAlbumSchema);
  const title = album.title ?? '';
  if (title.length > LIBRARY_LIMITS.maxAlbumTitleLength) throw photosErrors.invalidArgument('The album title is longer than 500 characters.');
  return { kind: 'json', body: albumJson(state.library.createAlbum(grant.sub, grant.clientId, title)) };
}

/** "Lists all albums created by your app" (of this user); `excludeNonAppCreatedData` changes nothing any more. */
function listAlbums({ request, grant, state }: PhotosCall): PhotosReply {
  const query = request.url.searchParams;
  const pageSize = pageSizeOf(query.get('pageSize') ?? undefined, LIBRARY_LIMITS.albumsPage);
  const scope = `albums:${grant.sub}:${grant.clientId}`;
  const offset = decodePageToken(query.get('pageToken') ?? undefined, scope);
  const { page, nextPageToken } = pageOf(state.library.albumsOf(grant.sub, grant.clientId), offset, pageSize, scope);
  const albums = page.map((album) => albumJson(album));
  return { kind: 'json', body: { ...(albums.length > 0 ? { albums } : {}), ...(nextPageToken ? { nextPageToken } : {}) } };
}

function getAlbum({ request, grant, state }: PhotosCall): PhotosReply {
  const album = state.library.album(decodePathParam(request.params.albumId ?? ''), grant.sub, grant.clientId);
  if (!album) throw photosErrors.notFound();
  return { kind: 'json', body: albumJson(album) };
}

const batchCreateSchema = z.strictObject({
  albumId: z.string().optional(),
  newMediaItems: z
    .array(
      z.strictObject({
        description: z.string().optional(),
        simpleMediaItem: z.strictObject({ uploadToken: z.string(), fileName: z.string().optional() }),
      }),
    )
    .optional(),
  albumPosition: z
    .strictObject({
      position: z.enum(['POSITION_TYPE_UNSPECIFIED', 'FIRST_IN_ALBUM', 'LAST_IN_ALBUM', 'AFTER_MEDIA_ITEM', 'AFTER_ENRICHMENT_ITEM']),
      relativeMediaItemId: z.string().optional(),
      relativeEnrichmentItemId: z.string().optional(),
    })
    .optional(),
});

/** Google's per-item failure for a token it cannot use (unknown, expired, another user's). */
const ITEM_FAILED = { code: 3, message: 'Failed: There was an error while trying to create this media item.' } as const;

/**
 * Creates one media item per entry (in the album too, if given), reporting each entry's outcome in
 * `newMediaItemResults` with HTTP 200 even when some failed. Not idempotent: the same upload token
 * in two calls makes two media items.
 */
function batchCreate({ request, grant, state }: PhotosCall): PhotosReply {
  const body = parseJsonBody(request.body, batchCreateSchema);
  const entries = body.newMediaItems ?? [];
  if (entries.length === 0) throw photosErrors.invalidArgument('Request must contain at least one media item.');
  if (entries.length > LIBRARY_LIMITS.maxBatchCreateItems) throw photosErrors.invalidArgument('Request must have less than 50 items.');
  if (entries.some((entry) => (entry.description ?? '').length > LIBRARY_LIMITS.maxDescriptionLength)) {
    throw photosErrors.invalidArgument('Description must be at most 1000 characters.');
  }
  const album = body.albumId === undefined ? undefined : writableAlbum(state, grant, body.albumId);
  const placement = placementOf(body.albumPosition, album);
  if (album && album.itemIds.length + entries.length > MAX_ALBUM_ITEMS) throw photosErrors.invalidArgument('The album is full.');

  const results = entries.map((entry) => {
    const uploadToken = entry.simpleMediaItem.uploadToken;
    const uploaded = state.uploads.resolve(uploadToken, grant.sub, grant.clientId);
    if (!uploaded) return { uploadToken, status: ITEM_FAILED };
    const size = imageSize(uploaded.bytes);
    const item = state.library.createItem({
      sub: grant.sub,
      clientId: grant.clientId,
      description: entry.description ?? '',
      filename: entry.simpleMediaItem.fileName ?? defaultFileName(uploaded.mimeType),
      mimeType: uploaded.mimeType,
      bytes: uploaded.bytes,
      width: size?.width ?? 0,
      height: size?.height ?? 0,
    });
    return { uploadToken, status: { message: 'Success' }, mediaItem: mediaItemJson(item) };
  });
  if (album && placement) {
    const created = results.flatMap((result) => (result.mediaItem ? [result.mediaItem.id] : []));
    state.library.addToAlbum(album, created, placement);
  }
  return { kind: 'json', body: { newMediaItemResults: results } };
}

const searchSchema = z.strictObject({
  albumId: z.string().optional(),
  pageSize: z.union([z.number(), z.string()]).optional(),
  pageToken: z.string().optional(),
  filters: z.record(z.string(), z.unknown()).optional(),
  orderBy: z.string().optional(),
});

/** Only items this app created: those of one of its albums (in album order), or all of them. Filters are not modelled. */
function search({ request, grant, state }: PhotosCall): PhotosReply {
  const body = parseJsonBody(request.body, searchSchema);
  if (body.albumId !== undefined && body.filters !== undefined) throw photosErrors.invalidArgument('An album ID and filters cannot both be set.');
  if (body.orderBy !== undefined) throw photosErrors.invalidArgument('orderBy is only supported with a dateFilter.');
  const pageSize = pageSizeOf(body.pageSize, LIBRARY_LIMITS.searchPage);
  let items: LibraryItem[];
  if (body.albumId === undefined) items = state.library.itemsOf(grant.sub, grant.clientId);
  else {
    const album = state.library.album(body.albumId, grant.sub, grant.clientId);
    if (!album) throw photosErrors.invalidArgument('Invalid album ID.');
    items = state.library.itemsIn(album);
  }
  const scope = `search:${grant.sub}:${grant.clientId}:${body.albumId ?? ''}`;
  const offset = decodePageToken(body.pageToken, scope);
  const { page, nextPageToken } = pageOf(items, offset, pageSize, scope);
  const mediaItems = page.map(mediaItemJson);
  return { kind: 'json', body: { ...(mediaItems.length > 0 ? { mediaItems } : {}), ...(nextPageToken ? { nextPageToken } : {}) } };
}

/** Items can be added only to albums the app created (for this user). */
function writableAlbum(state: PhotosState, grant: PhotosCall['grant'], albumId: string): LibraryAlbum {
  const album = state.library.album(albumId, grant.sub, grant.clientId);
  if (album) return album;
  if (state.library.albumOfOtherApp(albumId, grant.sub, grant.clientId)) throw photosErrors.permissionDenied('No permission to add media items to this album.');
  throw photosErrors.invalidArgument('Invalid album ID.');
}

function placementOf(position: z.infer<typeof batchCreateSchema>['albumPosition'], album: LibraryAlbum | undefined): AlbumPlacement | undefined {
  if (!album) {
    if (position) throw photosErrors.invalidArgument('An album position needs an album ID.');
    return undefined;
  }
  switch (position?.position) {
    case undefined:
    case 'POSITION_TYPE_UNSPECIFIED':
    case 'LAST_IN_ALBUM':
      return { position: 'LAST_IN_ALBUM' };
    case 'FIRST_IN_ALBUM':
      return { position: 'FIRST_IN_ALBUM' };
    case 'AFTER_MEDIA_ITEM': {
      const after = position.relativeMediaItemId;
      if (!after || !album.itemIds.includes(after)) throw photosErrors.invalidArgument('Invalid relative media item ID.');
      return { position: 'AFTER_MEDIA_ITEM', after };
    }
    case 'AFTER_ENRICHMENT_ITEM':
      throw photosErrors.invalidArgument('Invalid relative enrichment item ID.');
  }
}

/** An Album in Google's JSON; proto3 leaves a zero count out. */
function albumJson(album: LibraryAlbum): Record<string, unknown> {
  const count = album.itemIds.length;
  return {
    id: album.id,
    title: album.title,
    productUrl: `https://photos.google.com/lr/album/${album.id}`,
    isWriteable: true,
    ...(count > 0 ? { mediaItemsCount: String(count), coverPhotoMediaItemId: album.itemIds[0] } : {}),
  };
}

/** A MediaItem in Google's JSON (width and height are int64, so strings). */
function mediaItemJson(item: LibraryItem): { id: string } & Record<string, unknown> {
  const video = item.mimeType.startsWith('video/');
  return {
    id: item.id,
    ...(item.description ? { description: item.description } : {}),
    productUrl: `https://photos.google.com/lr/photo/${item.id}`,
    mimeType: item.mimeType,
    mediaMetadata: {
      creationTime: timestamp(item.creationTime),
      width: String(item.width),
      height: String(item.height),
      ...(video ? { video: { status: 'READY' } } : { photo: {} }),
    },
    filename: item.filename,
  };
}

const EXTENSIONS: Readonly<Record<string, string>> = { 'image/jpeg': 'jpg', 'image/png': 'png', 'image/gif': 'gif', 'image/webp': 'webp', 'image/heic': 'heic' };

function defaultFileName(mimeType: string): string {
  return `upload.${EXTENSIONS[mimeType] ?? 'bin'}`;
}

function sniffMimeType(bytes: Buffer): string {
  if (bytes[0] === 0xff && bytes[1] === 0xd8) return 'image/jpeg';
  if (bytes.subarray(0, 8).toString('hex') === '89504e470d0a1a0a') return 'image/png';
  if (bytes.subarray(0, 4).toString('latin1') === 'GIF8') return 'image/gif';
  return 'application/octet-stream';
}

function header(value: string | string[] | undefined): string | undefined {
  return Array.isArray(value) ? value[0] : value;
}
