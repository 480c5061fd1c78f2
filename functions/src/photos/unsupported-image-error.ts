/**
 * How the pipeline fails on bad input. The code is the stable contract (the photo job
 * writes it into the source file's appProperties); the reason is for logs and tests only.
 */
export type UnsupportedImageReason = 'unknown_format' | 'corrupt' | 'too_many_pixels';

/** The code an undecodable photo is marked with (the photo jobs' stable contract). */
export const UNSUPPORTED_IMAGE = 'unsupported_image';

export class UnsupportedImageError extends Error {
  readonly code = UNSUPPORTED_IMAGE;
  readonly reason: UnsupportedImageReason;

  constructor(reason: UnsupportedImageReason, options?: { cause?: unknown }) {
    super(MESSAGES[reason], options);
    this.name = 'UnsupportedImageError';
    this.reason = reason;
  }
}

const MESSAGES: Readonly<Record<UnsupportedImageReason, string>> = {
  unknown_format: 'The file is not a JPEG, PNG, WebP or HEIC image.',
  corrupt: 'The image could not be decoded.',
  too_many_pixels: 'The image has more pixels than the enhancer accepts.',
};

export function isUnsupportedImageError(value: unknown): value is UnsupportedImageError {
  return value instanceof UnsupportedImageError;
}

/**
 * The decoder failed in a way that does not prove the image bad (a HEIC decode thread that
 * crashed, exited or ran out of time; libvips out of memory): the photo is tried again later, and
 * marked unsupported only when its tries are spent (decode-attempts.ts). The cause is for logs only.
 */
export class DecoderFailedError extends Error {
  readonly code = 'decoder_failed' as const;

  constructor(options?: { cause?: unknown }) {
    super('The image decoder failed; the image may be fine.', options);
    this.name = 'DecoderFailedError';
  }
}

export function isDecoderFailedError(value: unknown): value is DecoderFailedError {
  return value instanceof DecoderFailedError;
}
