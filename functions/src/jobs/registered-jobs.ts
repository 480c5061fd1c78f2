import type { Firestore } from '@google-cloud/firestore';
import { createWeightedBudget } from '../concurrency/weighted-budget';
import type { UserEvents } from '../events/user-events';
import type { PhotosConfig } from '../google-photos/photos-config';
import { PHOTO_LIMITS } from '../photos/limits';
import { SHARP_SETTINGS } from '../photos/sharp-settings';
import type { OfflineJob } from './offline-job';
import { createPhotoEnhancementJob } from './photo-enhancement';
import { createPhotosPickerJob } from './photos-picker';

export interface RegisteredJobsDeps {
  db: Firestore;
  usersCollection: string;
  events: UserEvents;
  photos: PhotosConfig;
}

/**
 * The work the worker does for every user, in order; a job runs only for users who granted its
 * scopes. To run your own work instead (or as well), implement OfflineJob and list it here; each
 * job keeps its own cursor, keyed by its name. Both photo jobs share one instance-wide budget of
 * source bytes and one of decoded pixels, so the worker's memory bound holds whatever mix runs,
 * and one lane into libvips (sharp-settings.ts says why a photo at a time).
 */
export function registeredJobs(deps: RegisteredJobsDeps): OfflineJob[] {
  const sourceBudget = createWeightedBudget(PHOTO_LIMITS.maxSourceBytesInFlight);
  const pixelBudget = createWeightedBudget(PHOTO_LIMITS.maxDecodedPixelsInFlight);
  const libvipsLane = createWeightedBudget(SHARP_SETTINGS.imagesAtOnce);
  return [
    createPhotoEnhancementJob({ sourceBudget, pixelBudget, enhance: { libvipsLane } }),
    createPhotosPickerJob({ ...deps, sourceBudget, maxSourceBytes: PHOTO_LIMITS.maxSourceBytes, enhance: { pixelBudget, libvipsLane } }),
  ];
}
