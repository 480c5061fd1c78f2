/** Every Photos call the sandbox counts and can fault, by the short names tests and faults use. */
export const PHOTOS_METHODS = [
  'sessions.create',
  'sessions.get',
  'sessions.delete',
  'mediaItems.list',
  'download',
  'uploads',
  'albums.create',
  'albums.list',
  'albums.get',
  'batchCreate',
  'search',
] as const;

export type PhotosMethod = (typeof PHOTOS_METHODS)[number];
