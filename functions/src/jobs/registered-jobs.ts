import type { OfflineJob } from './offline-job';
import { createPhotoEnhancementJob } from './photo-enhancement';

/**
 * The Drive work the worker does for every user, in order. To run your own work instead (or as
 * well), implement OfflineJob and list it here; each job keeps its own cursor, keyed by its name.
 */
export function registeredJobs(): OfflineJob[] {
  return [createPhotoEnhancementJob()];
}
