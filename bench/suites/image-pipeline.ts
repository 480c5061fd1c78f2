import sharp from 'sharp';
import { mapWithConcurrency } from '../../functions/src/concurrency/map-with-concurrency';
import { enhancePhoto } from '../../functions/src/photos/enhance';
import { jpegShrinkOnLoad } from '../../functions/src/photos/decoded-pixels';
import { PHOTO_LIMITS } from '../../functions/src/photos/limits';
import { applySharpSettings } from '../../functions/src/photos/sharp-settings';
import { testPhoto } from '../../test/support/images';
import type { BenchContext } from '../lib/bench-context';
import { atLeast, type Goal, type SuiteReport } from '../lib/report';
import { round } from '../lib/stats';
import { markdownTable } from '../lib/table';

/**
 * The photo pipeline against sharp called directly with the same operations on the same files:
 * what the product's checks and wrapping cost. Rounds alternate which one goes first; the first
 * round warms libvips and is not counted. Both run with the worker's sharp settings.
 *
 * Two sets: phone-sized photos (12 MP JPEGs, some EXIF-rotated, a PNG, a WebP), and large JPEGs of
 * 12, 24 and 48 MP (four of each, some rotated). For the large ones, sharp directly is also timed
 * with shrink-on-load off (fastShrinkOnLoad: false, which for these sizes means none): the saving.
 */
export interface ImageRow {
  set: string;
  parallel: number;
  productPhotosPerS: number;
  sharpPhotosPerS: number;
  ratio: number;
}

export interface ShrinkRow {
  megapixels: number;
  shrinkOnLoad: number;
  decodedMegapixels: number;
  withPhotosPerS: number;
  withoutPhotosPerS: number;
  timeSaved: number;
}

const PHONE_GOAL_RATIO = 0.8;
const LARGE_GOAL_RATIO = 0.9;
const LARGE_SIZES = [
  [12, 4032, 3024],
  [24, 5712, 4284],
  [48, 8064, 6048],
] as const;

/** The product's pipeline, spelled out with sharp alone (keep in step with functions/src/photos/enhance.ts). */
async function sharpDirectly(input: Buffer, fastShrinkOnLoad = true): Promise<Buffer> {
  const { data } = await sharp(input, { limitInputPixels: PHOTO_LIMITS.maxInputPixels, failOn: 'error', pages: 1 })
    .autoOrient()
    .resize({ width: PHOTO_LIMITS.maxOutputDimension, height: PHOTO_LIMITS.maxOutputDimension, fit: 'inside', withoutEnlargement: true, fastShrinkOnLoad })
    .normalise()
    .sharpen({ sigma: 0.5 })
    .flatten({ background: '#ffffff' })
    .jpeg({ quality: PHOTO_LIMITS.jpegQuality, mozjpeg: false })
    .toBuffer({ resolveWithObject: true });
  return data;
}

/** Phone-like inputs: mostly 12 MP JPEGs (some rotated by EXIF), a smaller one, a PNG and a WebP. */
async function phoneSet(quick: boolean): Promise<Buffer[]> {
  const specs: [number, number, Parameters<typeof testPhoto>[2]][] = [
    [4032, 3024, { orientation: 6, seed: 1 }],
    [4032, 3024, { seed: 2 }],
    [3024, 4032, { orientation: 3, seed: 3 }],
    [1600, 1200, { seed: 4 }],
    [2048, 1536, { format: 'png', seed: 5 }],
    [2048, 1536, { format: 'webp', seed: 6 }],
  ];
  return Promise.all(specs.slice(0, quick ? 3 : specs.length).map(([w, h, options]) => testPhoto(w, h, options)));
}

function largeSet(width: number, height: number): Promise<Buffer[]> {
  return Promise.all([0, 1, 2, 3].map((i) => testPhoto(width, height, { seed: 10 + i, ...(i % 2 === 1 ? { orientation: 6 } : {}) })));
}

type Contender = (photo: Buffer) => Promise<unknown>;

/** Seconds each contender took for `rounds` counted passes over the photos, `parallel` at a time, alternating who goes first. */
async function race(photos: Buffer[], parallel: number, rounds: number, warm: boolean, contenders: Record<string, Contender>): Promise<Record<string, number>> {
  const names = Object.keys(contenders);
  const seconds: Record<string, number> = Object.fromEntries(names.map((name) => [name, 0]));
  for (let pass = warm ? 0 : 1; pass <= rounds; pass += 1) {
    const order = pass % 2 === 0 ? names : [...names].reverse();
    for (const name of order) {
      const started = performance.now();
      await mapWithConcurrency(photos, parallel, contenders[name]!);
      if (pass > 0) seconds[name]! += (performance.now() - started) / 1000;
    }
  }
  return seconds;
}

export async function runImagePipeline(context: BenchContext): Promise<SuiteReport<{ rows: ImageRow[]; shrink: ShrinkRow[] }>> {
  applySharpSettings();
  const rounds = context.quick ? 1 : 2;
  const rows: ImageRow[] = [];
  const product: Contender = (photo) => enhancePhoto(photo);
  const direct: Contender = (photo) => sharpDirectly(photo);
  const addRow = (set: string, parallel: number, count: number, seconds: Record<string, number>): void => {
    const row = { set, parallel, productPhotosPerS: round(count / seconds.product!), sharpPhotosPerS: round(count / seconds.sharp!), ratio: round(seconds.sharp! / seconds.product!) };
    rows.push(row);
    context.log(`${set}, ${parallel} at a time: product ${row.productPhotosPerS}/s, sharp ${row.sharpPhotosPerS}/s (${row.ratio}x)`);
  };

  const phones = await phoneSet(context.quick);
  for (const parallel of [1, 4]) {
    addRow('phone photos', parallel, phones.length * (rounds + 1), await race(phones, parallel, rounds + 1, true, { product, sharp: direct }));
  }

  const shrink: ShrinkRow[] = [];
  for (const [megapixels, width, height] of LARGE_SIZES) {
    const photos = await largeSet(width, height);
    for (const parallel of [1, 4]) {
      addRow(`${megapixels} MP JPEG`, parallel, photos.length * rounds, await race(photos, parallel, rounds, parallel === 1, { product, sharp: direct }));
    }
    const seconds = await race(photos, 1, rounds, false, { with: direct, without: (photo) => sharpDirectly(photo, false) });
    const factor = jpegShrinkOnLoad(width, height, PHOTO_LIMITS.maxOutputDimension);
    const row = {
      megapixels,
      shrinkOnLoad: factor,
      decodedMegapixels: Math.round((Math.ceil(width / factor) * Math.ceil(height / factor)) / 1e5) / 10,
      withPhotosPerS: round((photos.length * rounds) / seconds.with!),
      withoutPhotosPerS: round((photos.length * rounds) / seconds.without!),
      timeSaved: round(1 - seconds.with! / seconds.without!),
    };
    shrink.push(row);
    context.log(`${megapixels} MP shrink-on-load 1/${factor}: ${row.withPhotosPerS}/s against ${row.withoutPhotosPerS}/s without (${round(row.timeSaved * 100)}% of the time saved)`);
  }

  const worst = (set: (row: ImageRow) => boolean): number => Math.min(...rows.filter(set).map((r) => r.ratio));
  const goals: Goal[] = [
    atLeast('image pipeline / sharp directly, phone photos (worst)', worst((r) => r.set === 'phone photos'), PHONE_GOAL_RATIO, 'x'),
    ...LARGE_SIZES.map(([mp]) => atLeast(`image pipeline / sharp directly, ${mp} MP JPEG (worst of 1 and 4 at a time)`, worst((r) => r.set === `${mp} MP JPEG`), LARGE_GOAL_RATIO, 'x')),
  ];
  return {
    suite: 'imagePipeline',
    result: { rows, shrink },
    goals,
    markdown: [
      `### Image pipeline (${rounds} counted rounds; sharp settings as in the worker)`,
      markdownTable(
        ['photos', 'at a time', 'enhancePhoto photos/s', 'sharp directly photos/s', 'ratio'],
        rows.map((r) => [r.set, r.parallel, r.productPhotosPerS, r.sharpPhotosPerS, `${r.ratio}x`]),
      ),
      'JPEG shrink-on-load (sharp directly, one at a time, with and without):',
      markdownTable(
        ['photo', 'decoded at', 'decoded MP', 'with photos/s', 'without photos/s', 'time saved'],
        shrink.map((r) => [`${r.megapixels} MP`, `1/${r.shrinkOnLoad}`, r.decodedMegapixels, r.withPhotosPerS, r.withoutPhotosPerS, `${round(r.timeSaved * 100)}%`]),
      ),
    ].join('\n\n'),
  };
}
