import type { PhotosFaults } from '../admin/admin-schemas';
import type { Route } from '../http';
import { createPhotosAdmin, type PhotosAdmin } from './admin/photos-admin';
import type { PhotosContext } from './context';
import { libraryRoutes, LIBRARY_PREFIX } from './library/library-routes';
import { PhotosState } from './photos-state';
import { PICKER_PREFIX, pickerRoutes } from './picker/picker-routes';
import type { PhotosStats } from './stats';

export type { PhotosContext } from './context';
export type { PhotosAdmin, PhotosAlbumSnapshot, PhotosSessionSnapshot } from './admin/photos-admin';
export type { PhotosMethod } from './methods';
export type { PhotosStats, PhotosCallCounts } from './stats';
export { PICKER_PREFIX, LIBRARY_PREFIX };

/** Google Photos' Picker API and the Library API's upload/album/batchCreate/search, in memory. */
export interface PhotosSandbox {
  /** `/photospicker/v1/...`, `/photoslibrary/v1/...` and the base-URL downloads. */
  readonly routes: Route[];
  readonly admin: PhotosAdmin;
  setFaults(faults: PhotosFaults): void;
  faults(): PhotosFaults;
  stats(): PhotosStats;
  reset(): void;
}

export function createPhotosSandbox(context: PhotosContext): PhotosSandbox {
  const state = new PhotosState(context);
  return {
    routes: [...pickerRoutes(state), ...libraryRoutes(state)],
    admin: createPhotosAdmin(state),
    setFaults: (faults) => state.faults.set(faults),
    faults: () => state.faults.current(),
    stats: () => state.stats.snapshot(),
    reset: () => state.reset(),
  };
}
