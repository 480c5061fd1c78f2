/**
 * Generates the sample photos the demo and tests upload to sandbox Drive, into
 * sandbox/fixtures/photos/. Everything is drawn procedurally (no third-party images, so no licence
 * question) from a seeded random source, so re-running gives the same pixels. The scenes are
 * deliberately flat and dull so that the enhancer's contrast stretch is visible.
 *
 *   tsx scripts/make-sample-photos.ts
 */
import { seededRandom } from '../sandbox/src/seeded-random';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import sharp, { type Sharp } from 'sharp';

const OUTPUT_DIR = resolve(__dirname, '..', 'sandbox', 'fixtures', 'photos');
const MAX_BYTES = 60 * 1024;

type Rgb = readonly [number, number, number];
type Painter = (x: number, y: number) => Rgb;


const mix = (a: Rgb, b: Rgb, t: number): Rgb => [
  a[0] + (b[0] - a[0]) * t,
  a[1] + (b[1] - a[1]) * t,
  a[2] + (b[2] - a[2]) * t,
];

/** Paints every pixel, adds grain, and squeezes the result into a narrow, washed-out tonal range. */
export function render(width: number, height: number, paint: Painter, grain: number, seed: number): Sharp {
  const random = seededRandom(seed);
  const pixels = Buffer.alloc(width * height * 3);
  for (let y = 0; y < height; y += 1) {
    for (let x = 0; x < width; x += 1) {
      const colour = paint(x, y);
      const noise = (random() - 0.5) * grain;
      for (let c = 0; c < 3; c += 1) {
        const value = 70 + ((colour[c] ?? 0) + noise) * 0.45;
        pixels[(y * width + x) * 3 + c] = Math.max(0, Math.min(255, Math.round(value)));
      }
    }
  }
  return sharp(pixels, { raw: { width, height, channels: 3 } });
}

export function sunset(width: number, height: number): Painter {
  const horizon = height * 0.62;
  return (x, y) => {
    const sun = Math.hypot(x - width * 0.7, y - horizon * 0.8) < height * 0.12;
    const hills = y > horizon + Math.sin(x / 45) * 18 + Math.sin(x / 13) * 4;
    if (hills) return mix([70, 60, 50], [20, 25, 30], (y - horizon) / (height - horizon));
    if (sun) return [255, 210, 120];
    return mix([60, 80, 170], [250, 150, 90], y / horizon);
  };
}

export function lakeshore(width: number, height: number): Painter {
  const shore = height * 0.55;
  return (x, y) => {
    const treeTop = height * 0.15;
    const tree = y > treeTop && y < shore && Math.abs(x - width * 0.3) < 4 + (y - treeTop) * 0.3;
    if (tree) return [30, 90, 40];
    if (y > shore) return mix([90, 130, 160], [30, 60, 90], (y - shore) / (height - shore) + Math.sin(x / 9) * 0.04);
    return mix([150, 190, 230], [230, 235, 240], y / shore);
  };
}

function meadow(width: number, height: number): Painter {
  return (x, y) => {
    const flower = (Math.floor(x / 37) * 7 + Math.floor(y / 29) * 13) % 11 === 0 && y > height * 0.5;
    if (flower && Math.hypot((x % 37) - 18, (y % 29) - 14) < 7) return [240, 220, 60];
    if (y < height * 0.45) return mix([120, 170, 230], [200, 220, 240], y / (height * 0.45));
    return mix([110, 170, 70], [50, 110, 40], (y - height * 0.45) / (height * 0.55));
  };
}

export function city(width: number, height: number): Painter {
  const tops = Array.from({ length: 12 }, (_, i) => height * (0.3 + ((i * 53) % 17) / 40));
  return (x, y) => {
    const column = Math.floor((x / width) * tops.length);
    const top = tops[column] ?? height;
    if (y < top) return mix([40, 50, 110], [200, 120, 120], y / height);
    const lit = x % 14 > 5 && y % 18 > 8 && (column + Math.floor(y / 18)) % 3 !== 0;
    return lit ? [250, 220, 140] : [45 + column * 4, 45, 55];
  };
}

/** Photos whose EXIF says "rotate 90 degrees clockwise to view" (Orientation 6), with a GPS position. */
async function rotatedJpegWithGps(): Promise<Buffer> {
  const upright = await render(320, 480, lakeshore(320, 480), 14, 2).png().toBuffer();
  // Stored sideways, as a phone held upright writes it; Orientation 6 turns it back on display.
  return sharp(upright)
    .rotate(-90)
    .jpeg({ quality: 80 })
    .withExif({
      IFD0: { Make: 'offline-access', Model: 'make-sample-photos', Orientation: '6' },
      IFD3: { GPSLatitudeRef: 'N', GPSLatitude: '48/1 51/1 2396/100', GPSLongitudeRef: 'E', GPSLongitude: '2/1 17/1 4006/100' },
    })
    .withMetadata({ orientation: 6 })
    .toBuffer();
}

/** A JPEG that starts like one and then stops making sense: what a failed upload leaves behind. */
async function corruptJpeg(): Promise<Buffer> {
  const real = await render(64, 64, sunset(64, 64), 10, 5).jpeg().toBuffer();
  const garbage = Buffer.alloc(3000);
  const random = seededRandom(99);
  for (let i = 0; i < garbage.length; i += 1) garbage[i] = Math.floor(random() * 256);
  return Buffer.concat([real.subarray(0, 200), garbage]);
}

export async function makeSamplePhotos(): Promise<Record<string, Buffer>> {
  return {
    'sunset.jpg': await render(640, 427, sunset(640, 427), 16, 1).jpeg({ quality: 80 }).toBuffer(),
    'lakeshore-rotated-gps.jpg': await rotatedJpegWithGps(),
    'meadow.png': await render(360, 240, meadow(360, 240), 0, 3).png({ compressionLevel: 9, palette: true }).toBuffer(),
    'city-night.webp': await render(640, 427, city(640, 427), 12, 4).webp({ quality: 70 }).toBuffer(),
    'corrupt.jpg': await corruptJpeg(),
  };
}

async function main(): Promise<void> {
  mkdirSync(OUTPUT_DIR, { recursive: true });
  for (const [name, bytes] of Object.entries(await makeSamplePhotos())) {
    if (bytes.length > MAX_BYTES) throw new Error(`${name} is ${bytes.length} bytes, over the ${MAX_BYTES} budget`);
    writeFileSync(join(OUTPUT_DIR, name), bytes);
    console.log(`${name.padEnd(28)} ${String(bytes.length).padStart(6)} bytes`);
  }
}

if (require.main === module) {
  main().catch((error: unknown) => {
    console.error(error);
    process.exitCode = 1;
  });
}
