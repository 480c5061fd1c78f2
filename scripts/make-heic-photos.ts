/**
 * Generates the HEIC sample photos into sandbox/fixtures/photos/, run once and committed (the
 * outputs are what the tests read; re-running needs Debian's libheif-examples for `heif-enc`):
 *
 *   apt-get install libheif-examples && npx tsx scripts/make-heic-photos.ts
 *
 * The scenes are drawn by make-sample-photos.ts (procedural, CC0). heif-enc (x265) encodes every
 * picture; this script lays out the containers heif-enc cannot write itself:
 *
 * - `harbour.heic`: one image, as heif-enc writes it.
 * - `burst-primary-second.heic`: two images, the second one primary (as a burst or a Live Photo
 *   still can be): the photo is the primary item, not the first.
 * - `iphone-grid-rotated-gps.heic`: the iPhone layout: the primary item is a `grid` of hidden
 *   128x128 HEVC tiles cropped to 360x240, rotated a quarter turn by `irot` (shown 240x360), with
 *   a 96x64 thumbnail (`thmb`) and an Exif item (`cdsc`) holding Orientation 6 and a GPS position.
 * - `truncated.heic`: harbour.heic cut short, as a failed upload leaves it: not decodable.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import sharp from 'sharp';
import { city, lakeshore, render, sunset } from './make-sample-photos';

const OUTPUT_DIR = resolve(__dirname, '..', 'sandbox', 'fixtures', 'photos');
const TILE = 128;

// ---- ISO BMFF boxes ----

function u8(value: number): Buffer {
  return Buffer.from([value]);
}
function u16(value: number): Buffer {
  const b = Buffer.alloc(2);
  b.writeUInt16BE(value);
  return b;
}
function u32(value: number): Buffer {
  const b = Buffer.alloc(4);
  b.writeUInt32BE(value);
  return b;
}
function box(type: string, ...payload: Buffer[]): Buffer {
  const body = Buffer.concat(payload);
  return Buffer.concat([u32(body.length + 8), Buffer.from(type, 'latin1'), body]);
}
function fullBox(type: string, version: number, flags: number, ...payload: Buffer[]): Buffer {
  return box(type, u32((version << 24) | flags), ...payload);
}

interface Box {
  type: string;
  start: number;
  body: Buffer;
}

function children(bytes: Buffer, from = 0, to = bytes.length): Box[] {
  const boxes: Box[] = [];
  for (let at = from; at + 8 <= to; ) {
    const size = bytes.readUInt32BE(at);
    boxes.push({ type: bytes.toString('latin1', at + 4, at + 8), start: at, body: bytes.subarray(at + 8, at + size) });
    at += size;
  }
  return boxes;
}

function child(boxes: Box[], type: string): Box {
  const found = boxes.find((b) => b.type === type);
  if (!found) throw new Error(`no ${type} box`);
  return found;
}

/** The coded data and hvcC of item 1 (the image) of a file heif-enc wrote. */
export function codedImage(file: Buffer): CodedImage {
  const meta = child(children(file), 'meta');
  const inMeta = children(meta.body, 4);
  const ipco = child(children(child(inMeta, 'iprp').body), 'ipco');
  const hvcC = children(ipco.body).find((b) => b.type === 'hvcC');
  if (!hvcC) throw new Error('no hvcC property');
  const iloc = child(inMeta, 'iloc').body;
  const version = iloc[0]!;
  const offsetSize = iloc[4]! >> 4;
  const lengthSize = iloc[4]! & 15;
  const baseSize = iloc[5]! >> 4;
  let at = 6;
  const count = version < 2 ? iloc.readUInt16BE(at) : iloc.readUInt32BE(at);
  at += version < 2 ? 2 : 4;
  const read = (size: number): number => {
    const value = size === 0 ? 0 : size === 4 ? iloc.readUInt32BE(at) : Number(iloc.readBigUInt64BE(at));
    at += size;
    return value;
  };
  for (let i = 0; i < count; i += 1) {
    const id = version < 2 ? iloc.readUInt16BE(at) : iloc.readUInt32BE(at);
    at += version < 2 ? 2 : 4;
    if (version >= 1) at += 2;
    at += 2; // data_reference_index
    const base = read(baseSize);
    const extents = iloc.readUInt16BE(at);
    at += 2;
    const parts: Buffer[] = [];
    for (let e = 0; e < extents; e += 1) {
      const offset = read(offsetSize);
      const length = read(lengthSize);
      parts.push(file.subarray(base + offset, base + offset + length));
    }
    if (id === 1) return { hvcC: ipco.body.subarray(hvcC.start, hvcC.start + hvcC.body.length + 8), data: Buffer.concat(parts) };
  }
  throw new Error('no item 1 in iloc');
}

// ---- heif-enc ----

export function heifEnc(dir: string, name: string, png: Buffer, extra: string[] = []): Buffer {
  const input = join(dir, `${name}.png`);
  const output = join(dir, `${name}.heic`);
  writeFileSync(input, png);
  execFileSync('heif-enc', ['-q', '40', ...extra, '-o', output, input], { stdio: ['ignore', 'ignore', 'inherit'] });
  return readFileSync(output);
}

function heifEncMany(dir: string, name: string, pngs: Buffer[]): Buffer {
  const inputs = pngs.map((png, i) => {
    const path = join(dir, `${name}-${i}.png`);
    writeFileSync(path, png);
    return path;
  });
  const output = join(dir, `${name}.heic`);
  execFileSync('heif-enc', ['-q', '40', '-o', output, ...inputs], { stdio: ['ignore', 'ignore', 'inherit'] });
  return readFileSync(output);
}

/** Points the file's `pitm` at another item (heif-enc makes the first image primary). */
function withPrimaryItem(file: Buffer, itemId: number): Buffer {
  const meta = child(children(file), 'meta');
  const pitm = child(children(meta.body, 4), 'pitm');
  const copy = Buffer.from(file);
  // pitm v0: version and flags, then a 16-bit item id (pitm.start counts from meta's body).
  const pitmInFile = meta.start + 8 + pitm.start;
  copy.writeUInt16BE(itemId, pitmInFile + 8 + 4);
  return copy;
}

// ---- the iPhone layout ----

/** Exif item content: the offset of the TIFF header, then "Exif\0\0" and the TIFF structure. */
export async function exifItem(): Promise<Buffer> {
  const tagged = await sharp({ create: { width: 8, height: 8, channels: 3, background: '#808080' } })
    .jpeg()
    .withExif({
      IFD0: { Make: 'offline-access', Model: 'make-heic-photos', Orientation: '6' },
      IFD3: { GPSLatitudeRef: 'N', GPSLatitude: '60/1 10/1 1200/100', GPSLongitudeRef: 'E', GPSLongitude: '24/1 56/1 3000/100' },
    })
    // As an iPhone writes it: the Exif orientation says the same as irot, and must not turn it twice.
    .withMetadata({ orientation: 6 })
    .toBuffer();
  const exif = (await sharp(tagged).metadata()).exif;
  if (!exif) throw new Error('sharp wrote no Exif');
  return Buffer.concat([u32(6), exif]);
}

export interface CodedImage {
  hvcC: Buffer;
  data: Buffer;
}

export interface GridSpec {
  /** One coded tile per cell, row by row; the same object may fill many cells (one copy is stored). */
  cells: CodedImage[];
  tileSize: number;
  columns: number;
  rows: number;
  /** The grid's size as stored (tiles cropped to it). */
  width: number;
  height: number;
  thumbnail?: { image: CodedImage; width: number; height: number };
  /** Exif item content (exifItem()), described as metadata of the grid (cdsc). */
  exif?: Buffer;
  /** irot: quarter turns anti-clockwise, applied on display. */
  quarterTurns?: number;
}

/** A HEIC laid out as iPhones write it: a primary `grid` item of hidden HEVC tiles, a thumbnail, Exif. */
export function heicGrid(spec: GridSpec): Buffer {
  const gridId = 1;
  const tileIds = spec.cells.map((_, i) => 2 + i);
  const thumbId = 2 + spec.cells.length;
  const exifId = thumbId + 1;
  const infe = (id: number, type: string, hidden: boolean): Buffer =>
    fullBox('infe', 2, hidden ? 1 : 0, u16(id), u16(0), Buffer.from(type, 'latin1'), Buffer.from('\0', 'latin1'));
  const ref = (type: string, from: number, to: number[]): Buffer => box(type, u16(from), u16(to.length), ...to.map(u16));
  const ispe = (w: number, h: number): Buffer => fullBox('ispe', 0, 0, u32(w), u32(h));

  // Properties (1-based in ipma): each distinct tile's hvcC, the tiles' ispe, the grid's ispe and irot, the thumbnail's.
  const distinct = [...new Set(spec.cells)];
  const properties: Buffer[] = [...distinct.map((t) => t.hvcC), ispe(spec.tileSize, spec.tileSize), ispe(spec.width, spec.height)];
  const tileIspe = distinct.length + 1;
  const gridIspe = distinct.length + 2;
  const associations = [
    ...spec.cells.map((cell, i) => Buffer.concat([u16(tileIds[i]!), u8(2), u8(0x80 | (distinct.indexOf(cell) + 1)), u8(tileIspe)])),
  ];
  const gridProperties = [u8(gridIspe)];
  if (spec.quarterTurns) {
    properties.push(box('irot', u8(spec.quarterTurns & 3)));
    gridProperties.push(u8(0x80 | properties.length));
  }
  associations.push(Buffer.concat([u16(gridId), u8(gridProperties.length), ...gridProperties]));
  if (spec.thumbnail) {
    properties.push(spec.thumbnail.image.hvcC, ispe(spec.thumbnail.width, spec.thumbnail.height));
    associations.push(Buffer.concat([u16(thumbId), u8(2), u8(0x80 | (properties.length - 1)), u8(properties.length)]));
  }
  const ipma = fullBox('ipma', 0, 0, u32(associations.length), ...associations);
  const gridDescriptor = Buffer.concat([u8(0), u8(0), u8(spec.rows - 1), u8(spec.columns - 1), u16(spec.width), u16(spec.height)]);

  // mdat holds each distinct payload once; items point at their payload's extent.
  const items: { id: number; data: Buffer }[] = spec.cells.map((cell, i) => ({ id: tileIds[i]!, data: cell.data }));
  if (spec.thumbnail) items.push({ id: thumbId, data: spec.thumbnail.image.data });
  if (spec.exif) items.push({ id: exifId, data: spec.exif });
  const payloads = [...new Set(items.map((item) => item.data))];

  const build = (mdatStart: number): Buffer => {
    const offsets = new Map<Buffer, number>();
    let offset = mdatStart + 8;
    for (const payload of payloads) {
      offsets.set(payload, offset);
      offset += payload.length;
    }
    const entries = items.map((item) => Buffer.concat([u16(item.id), u16(0), u16(0), u16(1), u32(offsets.get(item.data)!), u32(item.data.length)]));
    // The grid descriptor lives in idat (construction method 1).
    entries.unshift(Buffer.concat([u16(gridId), u16(1), u16(0), u16(1), u32(0), u32(gridDescriptor.length)]));
    const infes = [infe(gridId, 'grid', false), ...tileIds.map((id) => infe(id, 'hvc1', true))];
    const refs = [ref('dimg', gridId, tileIds)];
    if (spec.thumbnail) {
      infes.push(infe(thumbId, 'hvc1', false));
      refs.push(ref('thmb', thumbId, [gridId]));
    }
    if (spec.exif) {
      infes.push(infe(exifId, 'Exif', true));
      refs.push(ref('cdsc', exifId, [gridId]));
    }
    return fullBox(
      'meta',
      0,
      0,
      fullBox('hdlr', 0, 0, u32(0), Buffer.from('pict', 'latin1'), u32(0), u32(0), u32(0), Buffer.from('\0', 'latin1')),
      fullBox('pitm', 0, 0, u16(gridId)),
      fullBox('iloc', 1, 0, u8(0x44), u8(0x00), u16(entries.length), ...entries),
      fullBox('iinf', 0, 0, u16(infes.length), ...infes),
      fullBox('iref', 0, 0, ...refs),
      box('iprp', box('ipco', ...properties), ipma),
      box('idat', gridDescriptor),
    );
  };
  const ftyp = box('ftyp', Buffer.from('heic', 'latin1'), u32(0), ...['mif1', 'MiHE', 'miaf', 'MiHB', 'heic'].map((b) => Buffer.from(b, 'latin1')));
  const meta = build(ftyp.length + build(0).length);
  return Buffer.concat([ftyp, meta, box('mdat', ...payloads)]);
}

async function iphoneGrid(dir: string): Promise<Buffer> {
  const shown = { width: 240, height: 360 };
  const upright = await render(shown.width, shown.height, lakeshore(shown.width, shown.height), 14, 21).png().toBuffer();
  // Stored sideways, as the sensor saw it; irot turns it back (libheif applies it on decode).
  const stored = await sharp(upright).rotate(-90).png().toBuffer();
  const columns = Math.ceil(shown.height / TILE);
  const rows = Math.ceil(shown.width / TILE);
  const padded = await sharp(stored)
    .extend({ right: columns * TILE - shown.height, bottom: rows * TILE - shown.width, extendWith: 'copy' })
    .png()
    .toBuffer();
  const cells: CodedImage[] = [];
  for (let r = 0; r < rows; r += 1) {
    for (let c = 0; c < columns; c += 1) {
      const tile = await sharp(padded).extract({ left: c * TILE, top: r * TILE, width: TILE, height: TILE }).png().toBuffer();
      cells.push(codedImage(heifEnc(dir, `tile-${r}-${c}`, tile)));
    }
  }
  return heicGrid({
    cells,
    tileSize: TILE,
    columns,
    rows,
    width: shown.height,
    height: shown.width,
    thumbnail: { image: codedImage(heifEnc(dir, 'thumb', await sharp(stored).resize(96, 64).png().toBuffer())), width: 96, height: 64 },
    exif: await exifItem(),
    quarterTurns: 3,
  });
}

export async function makeHeicPhotos(): Promise<Record<string, Buffer>> {
  const dir = mkdtempSync(join(tmpdir(), 'heic-'));
  try {
    const harbour = heifEnc(dir, 'harbour', await render(320, 214, sunset(320, 214), 16, 11).png().toBuffer());
    const burst = heifEncMany(dir, 'burst', [
      await render(64, 64, city(64, 64), 12, 12).png().toBuffer(),
      await render(160, 96, lakeshore(160, 96), 12, 13).png().toBuffer(),
    ]);
    return {
      'harbour.heic': harbour,
      'burst-primary-second.heic': withPrimaryItem(burst, 2),
      'iphone-grid-rotated-gps.heic': await iphoneGrid(dir),
      'truncated.heic': harbour.subarray(0, Math.floor(harbour.length * 0.6)),
    };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

async function main(): Promise<void> {
  for (const [name, bytes] of Object.entries(await makeHeicPhotos())) {
    writeFileSync(join(OUTPUT_DIR, name), bytes);
    console.log(`${name.padEnd(30)} ${String(bytes.length).padStart(6)} bytes`);
  }
}

if (require.main === module) {
  main().catch((error: unknown) => {
    console.error(error);
    process.exitCode = 1;
  });
}
