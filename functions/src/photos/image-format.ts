/**
 * The input formats the enhancer accepts, recognised from their leading bytes. File names and
 * Drive mime types are chosen by whoever uploaded the file, so they are never trusted for this.
 * `heic` is HEVC-coded HEIF, what iPhones write (see isHevcHeif).
 */
export type SupportedImageFormat = 'jpeg' | 'png' | 'webp' | 'heic';

const PNG_SIGNATURE = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);

export function detectImageFormat(bytes: Buffer): SupportedImageFormat | undefined {
  if (bytes.length >= 3 && bytes[0] === 0xff && bytes[1] === 0xd8 && bytes[2] === 0xff) return 'jpeg';
  if (bytes.length >= PNG_SIGNATURE.length && bytes.subarray(0, PNG_SIGNATURE.length).equals(PNG_SIGNATURE)) return 'png';
  if (bytes.length >= 12 && bytes.toString('latin1', 0, 4) === 'RIFF' && bytes.toString('latin1', 8, 12) === 'WEBP') {
    return 'webp';
  }
  if (isHevcHeif(bytes)) return 'heic';
  return undefined;
}

/** Brands that say "HEVC-coded HEIF" by themselves (ISO/IEC 23008-12 annex B). */
const HEVC_BRANDS = new Set(['heic', 'heix', 'heim', 'heis', 'hevc', 'hevx', 'hevm', 'hevs']);
/** Brands of any HEIF (image or sequence): HEVC only if the meta box names an HEVC item. */
const GENERIC_HEIF_BRANDS = new Set(['mif1', 'msf1']);

/**
 * An ISO BMFF file whose leading `ftyp` box carries an HEVC brand as its major or a compatible
 * brand, or a generic HEIF brand (`mif1`, `msf1`) with an HEVC configuration (`hvcC`) in its
 * top-level `meta` box. AVIF (`avif`, AV1 in HEIF) is not HEVC and is not accepted here.
 */
export function isHevcHeif(bytes: Buffer): boolean {
  const brands = ftypBrands(bytes);
  if (brands === undefined) return false;
  if (brands.brands.some((brand) => HEVC_BRANDS.has(brand))) return true;
  if (!brands.brands.some((brand) => GENERIC_HEIF_BRANDS.has(brand))) return false;
  const meta = topLevelBox(bytes, brands.end, 'meta');
  return meta !== undefined && meta.includes('hvcC', 0, 'latin1');
}

function ftypBrands(bytes: Buffer): { brands: string[]; end: number } | undefined {
  if (bytes.length < 16 || bytes.toString('latin1', 4, 8) !== 'ftyp') return undefined;
  const size = bytes.readUInt32BE(0);
  if (size < 16 || size > bytes.length || size % 4 !== 0) return undefined;
  const brands = [bytes.toString('latin1', 8, 12)];
  for (let at = 16; at + 4 <= size; at += 4) brands.push(bytes.toString('latin1', at, at + 4));
  return { brands, end: size };
}

/** The first top-level box of this type at or after `from`, walking box headers only. */
function topLevelBox(bytes: Buffer, from: number, type: string): Buffer | undefined {
  let at = from;
  while (at + 8 <= bytes.length) {
    let size = bytes.readUInt32BE(at);
    let header = 8;
    if (size === 1) {
      if (at + 16 > bytes.length) return undefined;
      size = Number(bytes.readBigUInt64BE(at + 8));
      header = 16;
    } else if (size === 0) {
      size = bytes.length - at;
    }
    if (size < header) return undefined;
    if (bytes.toString('latin1', at + 4, at + 8) === type) return bytes.subarray(at + header, Math.min(bytes.length, at + size));
    at += size;
  }
  return undefined;
}
