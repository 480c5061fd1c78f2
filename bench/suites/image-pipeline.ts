import sharp from 'sharp';
import { mapWithConcurrency } from '../../functions/src/concurrency/map-with-concurrency';
import { enhancePhoto } from '../../functions/src/photos/enhance';
import { PHOTO_LIMITS } from '../../functions/src/photos/limits';
import { testPhoto } from '../../test/support/images';
import type { BenchContext } from '../lib/bench-context';
import { atLeast, type SuiteReport } from '../lib/report';
import { round } from '../lib/stats';
import { markdownTable } from '../lib/table';

/**
 * The photo pipeline against sharp called directly with the same operations on the same files:
 * what the product's checks and wrapping cost. Rounds alternate which one goes first; the first
 * round warms libvips and is not counted.
 */
export interface ImageRow {
  parallel: number;
  productPhotosPerS: number;
  sharpPhotosPerS: number;
  ratio: number;
}

const GOAL_RATIO = 0.8;

/** The product's pipeline, spelled out with sharp alone (keep in step with functions/src/photos/enhance.ts). */
async function sharpDirectly(input: Buffer): Promise<Buffer> {
  const { data } = await sharp(input, { limitInputPixels: PHOTO_LIMITS.maxInputPixels, failOn: 'error', pages: 1 })
    .autoOrient()
    .resize({ width: PHOTO_LIMITS.maxOutputDimension, height: PHOTO_LIMITS.maxOutputDimension, fit: 'inside', withoutEnlargement: true })
    .normalise()
    .sharpen({ sigma: 0.5 })
    .flatten({ background: '#ffffff' })
    .jpeg({ quality: PHOTO_LIMITS.jpegQuality, mozjpeg: false })
    .toBuffer({ resolveWithObject: true });
  return data;
}

/** Phone-like inputs: mostly 12 MP JPEGs (some rotated by EXIF), a smaller one, a PNG and a WebP. */
async function photoSet(quick: boolean): Promise<Buffer[]> {
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

export async function runImagePipeline(context: BenchContext): Promise<SuiteReport<{ photos: number; rounds: number; rows: ImageRow[] }>> {
  const photos = await photoSet(context.quick);
  const rounds = context.quick ? 2 : 4;
  const rows: ImageRow[] = [];
  for (const parallel of [1, 4]) {
    const seconds = { product: 0, sharp: 0 };
    for (let pass = 0; pass <= rounds; pass += 1) {
      const order = pass % 2 === 0 ? (['product', 'sharp'] as const) : (['sharp', 'product'] as const);
      for (const which of order) {
        const started = performance.now();
        await mapWithConcurrency(photos, parallel, (photo) => (which === 'product' ? enhancePhoto(photo).then((r) => r.data) : sharpDirectly(photo)));
        if (pass > 0) seconds[which] += (performance.now() - started) / 1000;
      }
    }
    const count = photos.length * rounds;
    const row = { parallel, productPhotosPerS: round(count / seconds.product), sharpPhotosPerS: round(count / seconds.sharp), ratio: round(seconds.sharp / seconds.product) };
    rows.push(row);
    context.log(`${parallel} at a time: product ${row.productPhotosPerS}/s, sharp ${row.sharpPhotosPerS}/s (${row.ratio}x)`);
  }
  return {
    suite: 'imagePipeline',
    result: { photos: photos.length, rounds, rows },
    goals: [atLeast('image pipeline / sharp directly (worst)', Math.min(...rows.map((r) => r.ratio)), GOAL_RATIO, 'x')],
    markdown: [
      `### Image pipeline (${photos.length} phone-sized photos x ${rounds} rounds)`,
      markdownTable(
        ['photos at a time', 'enhancePhoto photos/s', 'sharp directly photos/s', 'ratio'],
        rows.map((r) => [r.parallel, r.productPhotosPerS, r.sharpPhotosPerS, `${r.ratio}x`]),
      ),
    ].join('\n\n'),
  };
}
