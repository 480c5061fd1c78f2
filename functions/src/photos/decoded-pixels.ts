import type { SupportedImageFormat } from './image-format';

/**
 * What decoding a photo costs in the photo job's pixel budget, worked out from its header alone.
 *
 * JPEG: libvips decodes at 1/2, 1/4 or 1/8 scale when the result is to be at least that much
 * smaller (shrink-on-load; sharp's rule for `fastShrinkOnLoad`, which enhance.ts sets): a 48 MP
 * photo fitted into 2048 x 2048 is decoded as 12 MP. PNG and WebP count their full size. HEIC
 * pixels count HEIC_PIXEL_WEIGHT times: while it decodes, the WebAssembly decoder holds the file,
 * the HEVC planes and an RGB image (which sharp reads in place), in a thread of its own: about
 * 8 bytes a pixel at 48 MP and 12 at 12 MP, against a JPEG's 4 in libvips (measured alone, peak
 * RSS above the process's own; bench/README.md, worst-case-memory).
 */
export const HEIC_PIXEL_WEIGHT = 3;

export interface PhotoHeader {
  format: SupportedImageFormat;
  width: number;
  height: number;
}

/**
 * The factor libvips decodes a JPEG at, by sharp's rule (src/pipeline.cc, fastShrinkOnLoad): the
 * largest of 8, 4, 2 that the fit into maxDimension x maxDimension needs at least, halved when the
 * needed shrink's whole part equals it (libjpeg's rounding could leave the result a pixel short).
 * So a 12 MP photo (x1.97) and a 24 MP one (x2.79) decode at full size, a 48 MP one (x3.94) at half.
 */
export function jpegShrinkOnLoad(width: number, height: number, maxDimension: number): 1 | 2 | 4 | 8 {
  const shrink = Math.max(width, height) / maxDimension;
  const factor = shrink >= 8 ? 8 : shrink >= 4 ? 4 : shrink >= 2 ? 2 : 1;
  if (factor > 1 && Math.trunc(shrink) === factor) return (factor / 2) as 1 | 2 | 4;
  return factor;
}

export function decodedPixelCost(header: PhotoHeader, maxDimension: number): number {
  const { width, height } = header;
  switch (header.format) {
    case 'jpeg': {
      const shrink = jpegShrinkOnLoad(width, height, maxDimension);
      return Math.ceil(width / shrink) * Math.ceil(height / shrink);
    }
    case 'heic':
      return width * height * HEIC_PIXEL_WEIGHT;
    case 'png':
    case 'webp':
      return width * height;
  }
}
