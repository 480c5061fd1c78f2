import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import sharp from 'sharp';
import { PHOTO_LIMITS } from '../../../functions/src/photos/limits';
import { REPO_ROOT } from '../../../scripts/lib/stack-layout';
import { codedImage, exifItem, heicGrid, heifEnc } from '../../../scripts/make-heic-photos';

/**
 * The photos phones send at their worst for memory, made once and kept in .local/bench-inputs/
 * (git-ignored): pixel noise is what JPEG compresses worst and what makes files largest.
 *
 * - jpeg12-noise: 12 MP (4032 x 3024), noise-heavy, about 9 MB: what the issue measured at 826 MiB;
 * - jpeg48: 48 MP (8064 x 6048), a textured scene, EXIF-rotated;
 * - jpeg-25mb: 24 MP of noise at high quality, just under the 25 MB download limit;
 * - heic12 / heic48: iPhone-layout HEIC grids of 512 x 512 tiles (12 MP and 48 MP), with Exif.
 *   One noise tile, encoded by heif-enc (Debian's libheif-examples), fills every cell: the file
 *   stays small, and decoding it costs what any 12 or 48 MP HEIC costs.
 */
export type PhotoKind = 'jpeg12-noise' | 'jpeg48' | 'jpeg-25mb' | 'heic12' | 'heic48';

export interface PhotoInput {
  kind: PhotoKind;
  bytes: Buffer;
  mimeType: string;
  megapixels: number;
}

const DIR = join(REPO_ROOT, '.local', 'bench-inputs');

function noise(width: number, height: number, seed: number, amplitude: number): Buffer {
  const pixels = Buffer.allocUnsafe(width * height * 3);
  let state = seed;
  for (let i = 0; i < pixels.length; i += 1) {
    state = (state * 1103515245 + 12345) & 0x7fffffff;
    const base = ((i / 3) % width) * (160 / width) + 40;
    pixels[i] = Math.max(0, Math.min(255, base + ((state >> 8) % (2 * amplitude)) - amplitude));
  }
  return pixels;
}

async function jpeg(width: number, height: number, amplitude: number, quality: number, orientation?: number): Promise<Buffer> {
  const image = sharp(noise(width, height, width + quality, amplitude), { raw: { width, height, channels: 3 } }).jpeg({ quality });
  return (orientation === undefined ? image : image.withMetadata({ orientation })).toBuffer();
}

/** Highest quality whose file fits the download limit. */
async function jpegUnderLimit(width: number, height: number): Promise<Buffer> {
  for (let quality = 98; quality >= 60; quality -= 4) {
    const bytes = await jpeg(width, height, 120, quality);
    if (bytes.length <= PHOTO_LIMITS.maxSourceBytes) return bytes;
  }
  throw new Error('no quality fits the 25 MB limit');
}

async function heic(megapixels: 12 | 48): Promise<Buffer> {
  const [width, height] = megapixels === 12 ? [4032, 3024] : [8064, 6048];
  const dir = mkdtempSync(join(tmpdir(), 'bench-heic-'));
  try {
    const tilePng = await sharp(noise(512, 512, 7, 60), { raw: { width: 512, height: 512, channels: 3 } }).png().toBuffer();
    const tile = codedImage(heifEnc(dir, 'tile', tilePng, ['-q', '60']));
    const columns = Math.ceil(width / 512);
    const rows = Math.ceil(height / 512);
    return heicGrid({ cells: Array.from({ length: columns * rows }, () => tile), tileSize: 512, columns, rows, width, height, exif: await exifItem(), quarterTurns: 3 });
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

const MAKERS: Record<PhotoKind, { make: () => Promise<Buffer>; mimeType: string; megapixels: number }> = {
  'jpeg12-noise': { make: () => jpeg(4032, 3024, 110, 93, 6), mimeType: 'image/jpeg', megapixels: 12 },
  jpeg48: { make: () => jpeg(8064, 6048, 24, 90, 6), mimeType: 'image/jpeg', megapixels: 48 },
  'jpeg-25mb': { make: () => jpegUnderLimit(6000, 4000), mimeType: 'image/jpeg', megapixels: 24 },
  heic12: { make: () => heic(12), mimeType: 'image/heic', megapixels: 12 },
  heic48: { make: () => heic(48), mimeType: 'image/heic', megapixels: 48 },
};

export async function photoInput(kind: PhotoKind): Promise<PhotoInput> {
  const file = join(DIR, `${kind}.bin`);
  if (!existsSync(file)) {
    mkdirSync(DIR, { recursive: true });
    writeFileSync(file, await MAKERS[kind].make());
  }
  return { kind, bytes: readFileSync(file), mimeType: MAKERS[kind].mimeType, megapixels: MAKERS[kind].megapixels };
}
