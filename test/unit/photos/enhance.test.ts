import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import sharp, { type Region } from 'sharp';
import { createWeightedBudget, type WeightedBudget } from '../../../functions/src/concurrency/weighted-budget';
import { enhancePhoto, isUnsupportedImageError, PHOTO_LIMITS, UnsupportedImageError } from '../../../functions/src/photos';
import { luminanceSpread, pngClaimingSize, readExif, testPhoto } from '../../support/images';

const FIXTURES = join(__dirname, '..', '..', '..', 'sandbox', 'fixtures', 'photos');

async function expectUnsupported(input: Promise<unknown>, reason: UnsupportedImageError['reason']): Promise<void> {
  const error: unknown = await input.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(isUnsupportedImageError(error)).toBe(true);
  expect(error).toMatchObject({ code: 'unsupported_image', reason });
}

/** sharp's stats() reads the input, not the pipeline, so the region is cut out first. */
async function meanGrey(image: Buffer, region: Region): Promise<number> {
  const cut = await sharp(image).extract(region).greyscale().toBuffer();
  const channel = (await sharp(cut).stats()).channels[0];
  if (!channel) throw new Error('no channels');
  return channel.mean;
}

describe('enhancePhoto', () => {
  it('applies EXIF orientation 6: a 100x50 stored image comes out 50x100, upright', async () => {
    const input = await testPhoto(100, 50, { orientation: 6 });
    expect(readExif((await sharp(input).metadata()).exif)?.orientation).toBe(6);

    const result = await enhancePhoto(input);

    expect(result).toMatchObject({ width: 50, height: 100, format: 'jpeg' });
    const meta = await sharp(result.data).metadata();
    expect([meta.width, meta.height]).toEqual([50, 100]);
    // The darker left half of the stored image is the top half once turned clockwise.
    const top = await meanGrey(result.data, { left: 0, top: 0, width: 50, height: 40 });
    const bottom = await meanGrey(result.data, { left: 0, top: 60, width: 50, height: 40 });
    expect(top).toBeLessThan(bottom - 20);
  });

  it('leaves no EXIF, GPS, XMP, IPTC or ICC data behind', async () => {
    const input = await testPhoto(120, 80, { orientation: 6, gps: true });
    expect(readExif((await sharp(input).metadata()).exif)?.hasGps).toBe(true);

    const { data } = await enhancePhoto(input);

    const meta = await sharp(data).metadata();
    expect(meta.exif).toBeUndefined();
    expect(meta.orientation).toBeUndefined();
    expect(meta.xmp).toBeUndefined();
    expect(meta.iptc).toBeUndefined();
    expect(meta.icc).toBeUndefined();
    // And not merely unreadable: no APP1 "Exif" segment in the bytes at all.
    expect(data.includes(Buffer.from('Exif\0\0', 'latin1'))).toBe(false);
  });

  it('strips GPS from the committed sample photo too', async () => {
    const sample = readFileSync(join(FIXTURES, 'lakeshore-rotated-gps.jpg'));
    const before = readExif((await sharp(sample).metadata()).exif);
    expect(before).toEqual({ orientation: 6, hasGps: true });

    const result = await enhancePhoto(sample);

    expect((await sharp(result.data).metadata()).exif).toBeUndefined();
    expect([result.width, result.height]).toEqual([320, 480]);
  });

  it('never enlarges a small image', async () => {
    const result = await enhancePhoto(await testPhoto(64, 48, { format: 'png' }));
    expect([result.width, result.height]).toEqual([64, 48]);
  });

  it('fits a large image inside 2048x2048, keeping its aspect ratio', async () => {
    const result = await enhancePhoto(await testPhoto(4000, 3000));
    expect([result.width, result.height]).toEqual([2048, 1536]);
    const tall = await enhancePhoto(await testPhoto(1000, 3000, { format: 'webp' }));
    expect(tall.height).toBe(PHOTO_LIMITS.maxOutputDimension);
    expect(tall.width).toBe(683);
  });

  it.each(['png', 'webp'] as const)('turns a %s into a JPEG', async (format) => {
    const result = await enhancePhoto(await testPhoto(200, 100, { format }));
    expect((await sharp(result.data).metadata()).format).toBe('jpeg');
  });

  it('makes a transparent PNG white, not black, where it was transparent', async () => {
    const transparent = await sharp({ create: { width: 40, height: 40, channels: 4, background: { r: 0, g: 0, b: 0, alpha: 0 } } })
      .composite([{ input: { create: { width: 20, height: 20, channels: 4, background: '#336699ff' } }, left: 10, top: 10 }])
      .png()
      .toBuffer();
    const { data } = await enhancePhoto(transparent);
    expect(await meanGrey(data, { left: 0, top: 0, width: 5, height: 5 })).toBeGreaterThan(240);
  });

  it('stretches the contrast of a dull photo', async () => {
    const sample = readFileSync(join(FIXTURES, 'sunset.jpg'));
    const { data } = await enhancePhoto(sample);
    expect(await luminanceSpread(data)).toBeGreaterThan((await luminanceSpread(sample)) * 1.3);
  });

  it('encodes at quality 85: well below a quality-100 encoding, and the quality is configurable', async () => {
    const input = await testPhoto(800, 600, { format: 'png' });
    const standard = await enhancePhoto(input);
    const best = await enhancePhoto(input, { quality: 100 });
    const low = await enhancePhoto(input, { quality: 40 });
    expect(standard.data.length).toBeLessThan(best.data.length * 0.7);
    expect(low.data.length).toBeLessThan(standard.data.length);
    expect(standard.data.length).toBeGreaterThan(10_000);
  });

  it('refuses a corrupt JPEG with unsupported_image', async () => {
    await expectUnsupported(enhancePhoto(readFileSync(join(FIXTURES, 'corrupt.jpg'))), 'corrupt');
  });

  it('refuses a truncated JPEG rather than returning a half-grey picture', async () => {
    const whole = await testPhoto(300, 200);
    await expectUnsupported(enhancePhoto(whole.subarray(0, Math.floor(whole.length / 2))), 'corrupt');
  });

  it.each([
    ['plain text', Buffer.from('hello, this is not a photo')],
    ['empty bytes', Buffer.alloc(0)],
    ['a GIF', Buffer.from('GIF89a\x01\x00\x01\x00\x00\x00\x00;', 'latin1')],
    ['an SVG', Buffer.from('<svg xmlns="http://www.w3.org/2000/svg" width="10" height="10"/>')],
  ])('refuses %s with unsupported_image before decoding', async (_label, bytes) => {
    await expectUnsupported(enhancePhoto(bytes), 'unknown_format');
  });

  it('refuses a decompression bomb from its header alone', async () => {
    const bomb = pngClaimingSize(30_000, 30_000);
    expect(bomb.length).toBeLessThan(100);
    await expectUnsupported(enhancePhoto(bomb), 'too_many_pixels');
  });

  it('honours a lower pixel limit', async () => {
    await expectUnsupported(enhancePhoto(await testPhoto(200, 200), { maxInputPixels: 10_000 }), 'too_many_pixels');
  });

  it('decodes and enhances in the libvips lane: with a lane of one, photos go through it one at a time, with the same bytes as without it', async () => {
    const lane = createWeightedBudget(1);
    let entered = 0;
    let inside = 0;
    let most = 0;
    const counted: WeightedBudget = {
      inUse: () => lane.inUse(),
      use: (weight, task) =>
        lane.use(weight, async () => {
          entered += 1;
          inside += 1;
          most = Math.max(most, inside);
          try {
            return await task();
          } finally {
            inside -= 1;
          }
        }),
    };
    const photos = await Promise.all([1, 2, 3, 4].map((seed) => testPhoto(120, 90, { seed })));
    const laned = await Promise.all(photos.map((photo) => enhancePhoto(photo, { libvipsLane: counted })));
    expect({ entered, most, held: lane.inUse() }).toEqual({ entered: 4, most: 1, held: 0 });
    const withoutLane = await Promise.all(photos.map((photo) => enhancePhoto(photo)));
    expect(laned.map((photo, i) => photo.data.equals(withoutLane[i]!.data))).toEqual([true, true, true, true]);
  });

  it('gives its place in the lane back when a photo is refused', async () => {
    const lane = createWeightedBudget(1);
    const whole = await testPhoto(300, 200);
    await expectUnsupported(enhancePhoto(whole.subarray(0, Math.floor(whole.length / 2)), { libvipsLane: lane }), 'corrupt');
    expect(lane.inUse()).toBe(0);
    await expect(enhancePhoto(await testPhoto(20, 20), { libvipsLane: lane })).resolves.toMatchObject({ format: 'jpeg' });
  });
});
