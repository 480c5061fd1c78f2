/**
 * The one way the pipeline fails on bad input. The code is the stable contract (the photo job
 * writes it into the source file's appProperties); the reason is for logs and tests only.
 */
export type UnsupportedImageReason = 'unknown_format' | 'corrupt' | 'too_many_pixels';

export class UnsupportedImageError extends Error {
  readonly code = 'unsupported_image' as const;
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
