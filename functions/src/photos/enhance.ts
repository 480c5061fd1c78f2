import sharp, { type Sharp } from 'sharp';
import type { WeightedBudget } from '../concurrency/weighted-budget';
import { decodedPixelCost, type PhotoHeader } from './decoded-pixels';
import { decodeHeic, HeicDecodeError } from './heic-decoder';
import { detectImageFormat, type SupportedImageFormat } from './image-format';
import { PHOTO_LIMITS } from './limits';
import { DecoderFailedError, UnsupportedImageError } from './unsupported-image-error';

export interface EnhanceOptions {
  /** Output fits inside maxDimension x maxDimension; smaller images keep their size. */
  maxDimension?: number;
  /** JPEG quality, 1-100. */
  quality?: number;
  /** Images whose header declares more pixels are refused before decoding (decompression bombs). */
  maxInputPixels?: number;
  /**
   * mozjpeg's encoder: about 30% smaller files for about twice the time of the whole enhancement
   * (measured on a 12 MP photo), so off by default: the worker's CPU is the scarcer resource.
   */
  mozjpeg?: boolean;
  /**
   * The instance's budget of decoded pixels (decoded-pixels.ts says what a photo costs): the
   * decode waits its turn in it, after the header is read. None: decodes are not limited.
   */
  pixelBudget?: WeightedBudget;
  /**
   * The instance's lane into libvips (sharp-settings.ts, `imagesAtOnce`): the decode and the
   * enhancement take a place in it once the pixel budget has let them start. None: not limited.
   */
  libvipsLane?: WeightedBudget;
  /**
   * The run's stop (the worker's hard stop): a decode not started yet does not start, and a HEIC
   * decode in flight is ended; either rejects with the signal's reason, never as unsupported.
   */
  signal?: AbortSignal | undefined;
  /** A HEIC decode taking longer is abandoned, as a DecoderFailedError (default HEIC_DECODE_TIMEOUT_MS, 180 s). */
  heicDecodeTimeoutMs?: number;
}

export interface EnhancedPhoto {
  data: Buffer;
  width: number;
  height: number;
  format: 'jpeg';
}

/**
 * Turns a phone photo into its enhanced JPEG: upright (EXIF orientation, or HEIF's own rotation,
 * applied), contrast stretched, mildly sharpened, no larger than 2048 on its long side, and free
 * of every piece of metadata (EXIF, GPS, XMP, ICC): sharp writes none unless asked to with
 * keep/withMetadata, and a HEIC reaches sharp as bare pixels. Throws UnsupportedImageError for
 * anything that is not a decodable JPEG, PNG, WebP or HEIC, and DecoderFailedError when the
 * decoder failed in a way that does not prove the image bad (worth another try later).
 */
export async function enhancePhoto(input: Buffer, options: EnhanceOptions = {}): Promise<EnhancedPhoto> {
  const format = detectImageFormat(input);
  if (format === undefined) throw new UnsupportedImageError('unknown_format');
  const maxDimension = options.maxDimension ?? PHOTO_LIMITS.maxOutputDimension;
  const maxInputPixels = options.maxInputPixels ?? PHOTO_LIMITS.maxInputPixels;
  const header = await readHeader(input, format);
  if (header.width * header.height > maxInputPixels) throw new UnsupportedImageError('too_many_pixels');
  const { pixelBudget, libvipsLane } = options;
  const enhance = (): Promise<EnhancedPhoto> => {
    // Its turn may come after the stop: then the photo waits for the next run.
    options.signal?.throwIfAborted();
    return decodeAndEnhance(input, format, { ...options, maxDimension, maxInputPixels });
  };
  const decode = libvipsLane ? () => libvipsLane.use(1, enhance, options.signal) : enhance;
  return pixelBudget ? pixelBudget.use(decodedPixelCost(header, maxDimension), decode, options.signal) : decode();
}

/** The size the header declares (the primary image's, for HEIF); nothing is decoded. */
async function readHeader(input: Buffer, format: SupportedImageFormat): Promise<PhotoHeader> {
  try {
    const { width, height } = await sharp(input, { limitInputPixels: false }).metadata();
    if (!width || !height) throw new Error('the header declares no size');
    return { format, width, height };
  } catch (error) {
    throw new UnsupportedImageError('corrupt', { cause: error });
  }
}

type ResolvedOptions = EnhanceOptions & { maxDimension: number; maxInputPixels: number };

async function decodeAndEnhance(input: Buffer, format: SupportedImageFormat, options: ResolvedOptions): Promise<EnhancedPhoto> {
  try {
    const { data, info } = await enhancement(await open(input, format, options), options).toBuffer({ resolveWithObject: true });
    return { data, width: info.width, height: info.height, format: 'jpeg' };
  } catch (error) {
    if (options.signal?.aborted) throw options.signal.reason;
    if (isDecoderFault(error)) throw new DecoderFailedError({ cause: error });
    throw new UnsupportedImageError(isPixelLimitError(error) ? 'too_many_pixels' : 'corrupt', { cause: error });
  }
}

/**
 * Failures that say nothing against the image: the HEIC thread crashed, exited or timed out, or an
 * allocation failed (libvips' "out of memory", C++'s bad_alloc, the WebAssembly decoder's OOM
 * abort). Everything else libvips or libheif says is about the bytes, the same on every try.
 */
function isDecoderFault(error: unknown): boolean {
  if (error instanceof HeicDecodeError && !error.fileAtFault) return true;
  return error instanceof Error && /out of memory|bad_alloc|\bOOM\b|Cannot enlarge memory|Cannot allocate memory/i.test(error.message);
}

async function open(input: Buffer, format: SupportedImageFormat, options: ResolvedOptions): Promise<Sharp> {
  const common = {
    limitInputPixels: options.maxInputPixels,
    // Truncated or damaged pixel data is refused rather than turned into a half-grey result.
    failOn: 'error',
  } as const;
  if (format === 'heic') {
    // sharp's libvips cannot decode HEVC: libheif (WebAssembly, in a thread) does, upright, primary
    // image only, already fitted into maxDimension there (the resize below has nothing left to do).
    const { data, width, height, channels } = await decodeHeic(input, options.maxDimension, {
      signal: options.signal,
      ...(options.heicDecodeTimeoutMs === undefined ? {} : { timeoutMs: options.heicDecodeTimeoutMs }),
    });
    return sharp(data, { ...common, raw: { width, height, channels } });
  }
  // Animated WebP: the first frame is the photo.
  return sharp(input, { ...common, pages: 1 }).autoOrient();
}

/** The same operations for every format; bench/suites/image-pipeline.ts spells them out with sharp alone. */
function enhancement(image: Sharp, options: ResolvedOptions): Sharp {
  return (
    image
      // fastShrinkOnLoad: a JPEG is decoded at 1/2, 1/4 or 1/8 scale when the result allows it
      // (decoded-pixels.ts has sharp's rule): a 48 MP photo costs a 12 MP decode.
      .resize({ width: options.maxDimension, height: options.maxDimension, fit: 'inside', withoutEnlargement: true, fastShrinkOnLoad: true })
      .normalise()
      .sharpen({ sigma: 0.5 })
      // JPEG has no alpha: transparent PNG/WebP areas become white, not black.
      .flatten({ background: '#ffffff' })
      .jpeg({ quality: options.quality ?? PHOTO_LIMITS.jpegQuality, mozjpeg: options.mozjpeg ?? false })
  );
}

function isPixelLimitError(error: unknown): boolean {
  return error instanceof Error && /pixel limit/i.test(error.message);
}
