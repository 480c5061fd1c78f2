import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import sharp from 'sharp';
import { createWeightedBudget } from '../../../functions/src/concurrency/weighted-budget';
import { detectImageFormat, enhancePhoto, isDecoderFailedError, isHevcHeif, isUnsupportedImageError } from '../../../functions/src/photos';
import { decodeHeic, HeicDecodeError } from '../../../functions/src/photos/heic-decoder';
import { luminanceSpread, readExif } from '../../support/images';

/** Made by scripts/make-heic-photos.ts (heif-enc), committed. */
const fixture = (name: string): Buffer => readFileSync(join(__dirname, '..', '..', '..', 'sandbox', 'fixtures', 'photos', name));

async function expectNoMetadata(jpeg: Buffer): Promise<void> {
  const meta = await sharp(jpeg).metadata();
  expect(meta.format).toBe('jpeg');
  expect([meta.exif, meta.xmp, meta.iptc, meta.icc, meta.orientation]).toEqual([undefined, undefined, undefined, undefined, undefined]);
  expect(jpeg.includes(Buffer.from('Exif\0\0', 'latin1'))).toBe(false);
}

describe('HEIC input', () => {
  it('is recognised by its ftyp brands, whatever the file is called', () => {
    for (const name of ['harbour.heic', 'burst-primary-second.heic', 'iphone-grid-rotated-gps.heic']) {
      expect(detectImageFormat(fixture(name))).toBe('heic');
    }
  });

  it('accepts a generic mif1 file only when its meta box configures HEVC, and refuses AVIF', () => {
    const heic = fixture('harbour.heic');
    // Same file, brands rewritten to mif1 only: the hvcC in meta still says HEVC.
    const generic = Buffer.from(heic);
    const ftypSize = generic.readUInt32BE(0);
    for (let at = 8; at < ftypSize; at += 4) if (at !== 12) generic.write('mif1', at, 'latin1');
    expect(isHevcHeif(generic)).toBe(true);
    const avif = Buffer.from(generic);
    avif.write('avif', 8, 'latin1');
    const hvcC = avif.indexOf('hvcC', 0, 'latin1');
    avif.write('av1C', hvcC, 'latin1');
    expect(isHevcHeif(avif)).toBe(false);
    expect(detectImageFormat(Buffer.from('\0\0\0\x10ftypqt  \0\0\0\0', 'latin1'))).toBeUndefined();
  });

  it('enhances a HEIC like a JPEG: a JPEG of the same size, contrast stretched', async () => {
    const input = fixture('harbour.heic');
    const result = await enhancePhoto(input);
    expect(result).toMatchObject({ width: 320, height: 214, format: 'jpeg' });
    await expectNoMetadata(result.data);
    const decoded = await enhancePhoto(input, { quality: 100 });
    expect(await luminanceSpread(decoded.data)).toBeGreaterThan(20);
  });

  it('takes the primary image of a multi-image file, not the first one', async () => {
    const result = await enhancePhoto(fixture('burst-primary-second.heic'));
    expect([result.width, result.height]).toEqual([160, 96]);
  });

  it('assembles an iPhone-style grid with a thumbnail, turns it upright once, and drops its Exif and GPS', async () => {
    const input = fixture('iphone-grid-rotated-gps.heic');
    expect(readExif((await sharp(input).metadata()).exif)).toEqual({ orientation: 6, hasGps: true });

    const result = await enhancePhoto(input);

    // Stored 360x240 with irot (and Exif orientation 6, which must not turn it a second time).
    expect([result.width, result.height]).toEqual([240, 360]);
    await expectNoMetadata(result.data);
    // Upright: the sky (light) is at the top, the water (dark) at the bottom; no tile seam is grey.
    const rows = await sharp(result.data).greyscale().resize(1, 4, { fit: 'fill' }).raw().toBuffer();
    expect(rows[0]!).toBeGreaterThan(rows[3]! + 40);
  });

  it('marks a truncated HEIC unsupported, with the decoder saying why', async () => {
    const error: unknown = await enhancePhoto(fixture('truncated.heic')).catch((e: unknown) => e);
    expect(isUnsupportedImageError(error)).toBe(true);
    expect(error).toMatchObject({ code: 'unsupported_image', reason: 'corrupt' });
    expect(String((error as Error).cause)).toMatch(/HEVC data could not be decoded: .*end of file/i);
    expect((error as Error).cause).toMatchObject({ name: 'HeicDecodeError', fileAtFault: true });
  });

  it('fails a decode that runs out of time as the decoder\'s failure, not the file\'s', async () => {
    const timedOut: unknown = await decodeHeic(fixture('harbour.heic'), 2048, { timeoutMs: 1 }).catch((e: unknown) => e);
    expect(timedOut).toBeInstanceOf(HeicDecodeError);
    expect(timedOut).toMatchObject({ fileAtFault: false, message: expect.stringMatching(/longer than 1 ms/) });

    const error: unknown = await enhancePhoto(fixture('harbour.heic'), { heicDecodeTimeoutMs: 1 }).catch((e: unknown) => e);
    expect(isUnsupportedImageError(error)).toBe(false);
    expect(isDecoderFailedError(error)).toBe(true);
    expect(error).toMatchObject({ code: 'decoder_failed', cause: { fileAtFault: false } });
  });

  it("ends a decode in flight at the run's stop, with the stop's reason, never as unsupported", async () => {
    const stop = new AbortController();
    const reason = Object.assign(new Error('hard stop'), { name: 'HardStop' });
    // The thread is started before decodeHeic first awaits: this aborts a decode under way.
    const decoding = decodeHeic(fixture('iphone-grid-rotated-gps.heic'), 2048, { signal: stop.signal });
    stop.abort(reason);
    await expect(decoding).rejects.toBe(reason);
    // A decode whose turn comes after the stop does not start; the file is not marked.
    await expect(enhancePhoto(fixture('harbour.heic'), { signal: stop.signal })).rejects.toBe(reason);
    // The same decode, not stopped, works: the abort left nothing behind.
    await expect(decodeHeic(fixture('iphone-grid-rotated-gps.heic'), 2048, { signal: new AbortController().signal })).resolves.toMatchObject({ channels: expect.any(Number) });
  });

  it('waits for its share of the pixel budget before decoding: three times its pixels for a HEIC', async () => {
    const budget = createWeightedBudget(320 * 214 * 3);
    let release!: () => void;
    const holder = budget.use(1, () => new Promise<void>((resolve) => (release = resolve)));
    let done = false;
    const enhancing = enhancePhoto(fixture('harbour.heic'), { pixelBudget: budget }).then(() => (done = true));
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(done).toBe(false);
    release();
    await holder;
    await enhancing;
    expect(done).toBe(true);
    expect(budget.inUse()).toBe(0);
  });
});
