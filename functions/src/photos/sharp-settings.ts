import sharp from 'sharp';

/**
 * libvips settings for the worker, set once when it starts, explicitly rather than left to what
 * sharp guesses from the host (a Cloud Run instance may see more cores than its one vCPU):
 *
 * - cache off: the operation cache keeps recent operations and their pixels (by default up to
 *   50 MB and 100 operations) for reuse; every photo is seen once, so it only holds memory;
 * - one libvips thread per image (sharp's `concurrency`): the worker has one vCPU, and each
 *   thread has its own pixel buffers;
 * - one image in libvips at a time (`imagesAtOnce`, the size of the lane registered-jobs.ts gives
 *   the photo jobs): libvips hands every image's work between threads through mutexes and
 *   condition variables, and images in flight side by side (sharp runs up to 4, on libuv's pool)
 *   contend for them: on the 2-core bench machine a small photo costs 9.6 ms of CPU with 4 in
 *   flight, 7.4 with 2 and 5.3 alone, in the same wall time, because nearly all of it is
 *   serialised anyway (futex calls are most of the kernel time). The worker has one vCPU, so a
 *   second image at once could only share it (a worker given more vCPUs should get more here).
 *   Memory is the pixel budget's business (decoded-pixels.ts), which a photo passes before it
 *   takes the lane.
 */
export const SHARP_SETTINGS = { cache: false, concurrency: 1, imagesAtOnce: 1 } as const;

export function applySharpSettings(): void {
  sharp.cache(SHARP_SETTINGS.cache);
  sharp.concurrency(SHARP_SETTINGS.concurrency);
}
