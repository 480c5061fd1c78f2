import sharp from 'sharp';

/**
 * libvips settings for the worker, set once when it starts, explicitly rather than left to what
 * sharp guesses from the host (a Cloud Run instance may see more cores than its one vCPU):
 *
 * - cache off: the operation cache keeps recent operations and their pixels (by default up to
 *   50 MB and 100 operations) for reuse; every photo is seen once, so it only holds memory;
 * - one libvips thread per image (sharp's `concurrency`): the worker has one vCPU, and each
 *   thread has its own pixel buffers;
 * - how many images are in libvips at once is the photo job's pixel budget's business
 *   (decoded-pixels.ts), within libuv's pool of 4 threads that sharp runs its pipelines on.
 */
export const SHARP_SETTINGS = { cache: false, concurrency: 1 } as const;

export function applySharpSettings(): void {
  sharp.cache(SHARP_SETTINGS.cache);
  sharp.concurrency(SHARP_SETTINGS.concurrency);
}
