import { crc32 } from 'node:zlib';
import sharp, { type Sharp } from 'sharp';

/**
 * Images made on the fly for tests, and the few inspection helpers the assertions need. The
 * "photos" are gradients plus grain: enough texture that JPEG sizes and the enhancer behave as
 * they do on real photos, cheap enough to make per test.
 */
export type TestImageFormat = 'jpeg' | 'png' | 'webp';

export interface TestPhotoOptions {
  format?: TestImageFormat;
  /** EXIF Orientation tag (1-8) written into a JPEG. */
  orientation?: number;
  /** Writes GPS latitude/longitude tags (JPEG only). */
  gps?: boolean;
  seed?: number;
}

export async function testPhoto(width: number, height: number, options: TestPhotoOptions = {}): Promise<Buffer> {
  const image = sharp(gradientWithGrain(width, height, options.seed ?? 1), { raw: { width, height, channels: 3 } });
  switch (options.format ?? 'jpeg') {
    case 'png':
      return image.png().toBuffer();
    case 'webp':
      return image.webp({ quality: 80 }).toBuffer();
    case 'jpeg':
      return withExif(image.jpeg({ quality: 90 }), options).toBuffer();
  }
}

function withExif(image: Sharp, options: TestPhotoOptions): Sharp {
  if (options.orientation === undefined && !options.gps) return image;
  const gps = options.gps
    ? { GPSLatitudeRef: 'N', GPSLatitude: '59/1 19/1 4500/100', GPSLongitudeRef: 'E', GPSLongitude: '18/1 4/1 1200/100' }
    : undefined;
  const tagged = image.withExif({ IFD0: { Make: 'test' }, ...(gps ? { IFD3: gps } : {}) });
  return options.orientation === undefined ? tagged : tagged.withMetadata({ orientation: options.orientation });
}

/** Left half darker than the right, so a 90-degree turn is visible in the pixels too. */
function gradientWithGrain(width: number, height: number, seed: number): Buffer {
  const pixels = Buffer.alloc(width * height * 3);
  let state = seed;
  for (let y = 0; y < height; y += 1) {
    for (let x = 0; x < width; x += 1) {
      state = (state * 1103515245 + 12345) & 0x7fffffff;
      const grain = (state % 17) - 8;
      const base = x < width / 2 ? 90 : 150;
      const offset = (y * width + x) * 3;
      pixels[offset] = base + grain + (y % 7);
      pixels[offset + 1] = base + grain;
      pixels[offset + 2] = base - 20 + grain;
    }
  }
  return pixels;
}

export interface ExifSummary {
  orientation: number | undefined;
  hasGps: boolean;
}

/** Reads the two EXIF facts the tests care about from sharp's raw `exif` block ("Exif\0\0" + TIFF). */
export function readExif(exif: Buffer | undefined): ExifSummary | undefined {
  if (!exif || exif.length < 14) return undefined;
  const tiff = exif.subarray(6);
  const little = tiff.toString('latin1', 0, 2) === 'II';
  const u16 = (at: number): number => (little ? tiff.readUInt16LE(at) : tiff.readUInt16BE(at));
  const u32 = (at: number): number => (little ? tiff.readUInt32LE(at) : tiff.readUInt32BE(at));
  const ifd0 = u32(4);
  const summary: ExifSummary = { orientation: undefined, hasGps: false };
  for (let i = 0; i < u16(ifd0); i += 1) {
    const entry = ifd0 + 2 + i * 12;
    const tag = u16(entry);
    if (tag === 0x0112) summary.orientation = u16(entry + 8);
    if (tag === 0x8825) summary.hasGps = true;
  }
  return summary;
}

/**
 * A PNG whose header claims width x height pixels but whose data is a few bytes: the shape of a
 * decompression bomb. Enough for a decoder to read the size and refuse it.
 */
export function pngClaimingSize(width: number, height: number): Buffer {
  const header = Buffer.alloc(13);
  header.writeUInt32BE(width, 0);
  header.writeUInt32BE(height, 4);
  header.writeUInt8(8, 8); // bit depth
  header.writeUInt8(2, 9); // colour type: RGB
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    pngChunk('IHDR', header),
    pngChunk('IDAT', Buffer.from([0x78, 0x9c, 0x03, 0x00, 0x00, 0x00, 0x00, 0x01])),
    pngChunk('IEND', Buffer.alloc(0)),
  ]);
}

function pngChunk(type: string, data: Buffer): Buffer {
  const length = Buffer.alloc(4);
  length.writeUInt32BE(data.length);
  const typeAndData = Buffer.concat([Buffer.from(type, 'latin1'), data]);
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(typeAndData));
  return Buffer.concat([length, typeAndData, crc]);
}

/** Standard deviation of the grey levels: a contrast stretch makes it grow. */
export async function luminanceSpread(image: Buffer): Promise<number> {
  // stats() reads its input, not the pipeline: make the grey image first.
  const grey = await sharp(image).greyscale().toBuffer();
  const stats = await sharp(grey).stats();
  const channel = stats.channels[0];
  if (!channel) throw new Error('image has no channels');
  return channel.stdev;
}
