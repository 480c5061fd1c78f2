import { PHOTO_LIMITS } from './limits';

/**
 * How many tries a photo's decoder gets when it fails without proving the photo bad
 * (DecoderFailedError, or a decode that went down with its run), the same for both photo jobs:
 * each job keeps the count where it keeps the photo's state (Drive appProperties, the Picker
 * item), and asks here what the count becomes and when the photo is given up on.
 */

/** The count after a decoder failure; `counted`: this try was written into the count before it started. */
export function decoderFailuresAfterFailure(prior: number, counted: boolean): number {
  return prior + (counted ? 0 : 1);
}

/** True once a photo with this many failures gets no further try (it is marked unsupported). */
export function decodeTriesSpent(failures: number): boolean {
  return failures >= PHOTO_LIMITS.decodeAttempts;
}
