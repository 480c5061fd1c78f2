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
function codedImage(file: Buffer): { hvcC: Buffer; data: Buffer } {
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

function heifEnc(dir: string, name: string, png: Buffer, extra: string[] = []): Buffer {
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
async function exifItem(): Promise<Buffer> {
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
  const tiles: { hvcC: Buffer; data: Buffer }[] = [];
  for (let r = 0; r < rows; r += 1) {
    for (let c = 0; c < columns; c += 1) {
      const tile = await sharp(padded).extract({ left: c * TILE, top: r * TILE, width: TILE, height: TILE }).png().toBuffer();
      tiles.push(codedImage(heifEnc(dir, `tile-${r}-${c}`, tile)));
    }
  }
  const thumb = codedImage(heifEnc(dir, 'thumb', await sharp(stored).resize(96, 64).png().toBuffer()));
  const exif = await exifItem();

  const gridId = 1;
  const tileIds = tiles.map((_, i) => 2 + i);
  const thumbId = 2 + tiles.length;
  const exifId = thumbId + 1;
  const infe = (id: number, type: string, hidden: boolean): Buffer =>
    fullBox('infe', 2, hidden ? 1 : 0, u16(id), u16(0), Buffer.from(type, 'latin1'), Buffer.from('\0', 'latin1'));
  const ref = (type: string, from: number, to: number[]): Buffer => box(type, u16(from), u16(to.length), ...to.map(u16));
  const ispe = (w: number, h: number): Buffer => fullBox('ispe', 0, 0, u32(w), u32(h));
  // Property indices (1-based): tiles' hvcC each, tile ispe, thumb hvcC, thumb ispe, grid ispe, irot.
  const properties = [...tiles.map((t) => t.hvcC), ispe(TILE, TILE), thumb.hvcC, ispe(96, 64), ispe(shown.height, shown.width), box('irot', u8(3))];
  const tileIspe = tiles.length + 1;
  const ipma = fullBox(
    'ipma',
    0,
    0,
    u32(2 + tiles.length),
    ...tileIds.map((id, i) => Buffer.concat([u16(id), u8(2), u8(0x80 | (i + 1)), u8(tileIspe)])),
    Buffer.concat([u16(thumbId), u8(2), u8(0x80 | (tileIspe + 1)), u8(tileIspe + 2)]),
    Buffer.concat([u16(gridId), u8(2), u8(tileIspe + 3), u8(0x80 | (tileIspe + 4))]),
  );
  const gridDescriptor = Buffer.concat([u8(0), u8(0), u8(rows - 1), u8(columns - 1), u16(shown.height), u16(shown.width)]);
  const payloads = [...tiles.map((t) => t.data), thumb.data, exif];
  const payloadIds = [...tileIds, thumbId, exifId];

  const build = (mdatStart: number): Buffer => {
    let offset = mdatStart + 8;
    const entries = payloads.map((data, i) => {
      const entry = Buffer.concat([u16(payloadIds[i]!), u16(0), u16(0), u16(1), u32(offset), u32(data.length)]);
      offset += data.length;
      return entry;
    });
    // The grid descriptor lives in idat (construction method 1).
    entries.unshift(Buffer.concat([u16(gridId), u16(1), u16(0), u16(1), u32(0), u32(gridDescriptor.length)]));
    return fullBox(
      'meta',
      0,
      0,
      fullBox('hdlr', 0, 0, u32(0), Buffer.from('pict', 'latin1'), u32(0), u32(0), u32(0), Buffer.from('\0', 'latin1')),
      fullBox('pitm', 0, 0, u16(gridId)),
      fullBox('iloc', 1, 0, u8(0x44), u8(0x00), u16(entries.length), ...entries),
      fullBox(
        'iinf',
        0,
        0,
        u16(3 + tiles.length),
        infe(gridId, 'grid', false),
        ...tileIds.map((id) => infe(id, 'hvc1', true)),
        infe(thumbId, 'hvc1', false),
        infe(exifId, 'Exif', true),
      ),
      fullBox('iref', 0, 0, ref('dimg', gridId, tileIds), ref('thmb', thumbId, [gridId]), ref('cdsc', exifId, [gridId])),
      box('iprp', box('ipco', ...properties), ipma),
      box('idat', gridDescriptor),
    );
  };
  const ftyp = box('ftyp', Buffer.from('heic', 'latin1'), u32(0), ...['mif1', 'MiHE', 'miaf', 'MiHB', 'heic'].map((b) => Buffer.from(b, 'latin1')));
  const meta = build(ftyp.length + build(0).length);
  return Buffer.concat([ftyp, meta, box('mdat', ...payloads)]);
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
