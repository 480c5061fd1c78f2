/** Fixed product limits of the photo enhancement (issue 3, section 3). */
export const PHOTO_LIMITS = {
  /** Largest source file the job downloads; checked against Drive's `size` before downloading. */
  maxSourceBytes: 25 * 1024 * 1024,
  /** Results fit inside this square, never enlarged. */
  maxOutputDimension: 2048,
  jpegQuality: 85,
  /**
   * Decompression-bomb guard, read from the image header before any pixel is decoded.
   * 200 MP still admits the largest phone cameras (about 12000 x 16000).
   */
  maxInputPixels: 200_000_000,
  /**
   * Source bytes one worker instance holds at once, across all its users (the photo job's byte
   * budget): dozens of phone photos side by side, but only two 25 MB files, so WORKER_CONCURRENCY
   * can be high for latency-bound work without a burst of large files exhausting the instance.
   * Halved from 128 MiB when HEIC arrived: a 48 MP HEIC's decode (about 370 MB) plus this plus the
   * worker's own memory must stay within 70% of 1 GiB (the worst-case-memory bench).
   */
  maxSourceBytesInFlight: 64 * 1024 * 1024,
  /**
   * Decoded pixels one worker instance holds at once, across all its users (the photo job's pixel
   * budget; decoded-pixels.ts says what a photo costs): five 12 MP JPEGs side by side (about
   * 4 bytes a pixel in libvips), or one 12 MP HEIC and two JPEGs; a 48 MP HEIC runs alone (about
   * 370 MB while it decodes). With the source bytes in flight and the worker's own memory this
   * stays within 70% of its 1 GiB at the deployed concurrency (the worst-case-memory bench).
   */
  maxDecodedPixelsInFlight: 60_000_000,
  /**
   * Runs in which a photo's decoder may fail for a reason that need not be the photo's (a HEIC
   * decode thread that crashed or timed out, an allocation libvips could not make) before the
   * photo is marked unsupported for good: a passing fault (a busy or short-of-memory instance)
   * gets two more chances, minutes or runs apart, and a photo that fails the decoder every time
   * stops costing a decode every run.
   */
  decodeAttempts: 3,
} as const;
