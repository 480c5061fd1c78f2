/**
 * Just enough DER (ASN.1 distinguished encoding) to write one self-signed X.509 certificate.
 * node:crypto can read certificates but not create them; this avoids a dependency for ~60 lines.
 */
export type Der = Buffer;

function encodeLength(length: number): Buffer {
  if (length < 0x80) return Buffer.from([length]);
  const bytes: number[] = [];
  for (let rest = length; rest > 0; rest = Math.floor(rest / 256)) bytes.unshift(rest % 256);
  return Buffer.from([0x80 | bytes.length, ...bytes]);
}

function tagged(tag: number, content: Buffer): Der {
  return Buffer.concat([Buffer.from([tag]), encodeLength(content.length), content]);
}

export const sequence = (...items: Der[]): Der => tagged(0x30, Buffer.concat(items));

export const set = (...items: Der[]): Der => tagged(0x31, Buffer.concat(items));

export const nullValue = (): Der => Buffer.from([0x05, 0x00]);

export const utf8String = (text: string): Der => tagged(0x0c, Buffer.from(text, 'utf8'));

/** A BIT STRING whose content is whole bytes (no unused bits), as signatures are. */
export const bitString = (bytes: Buffer): Der => tagged(0x03, Buffer.concat([Buffer.from([0x00]), bytes]));

/** A context-specific, constructed, explicit tag such as the certificate's `[0] version`. */
export const explicit = (tagNumber: number, inner: Der): Der => tagged(0xa0 | tagNumber, inner);

/** Non-negative INTEGER from big-endian magnitude bytes (a leading zero keeps it positive). */
export function unsignedInteger(magnitude: Buffer): Der {
  let start = 0;
  while (start < magnitude.length - 1 && magnitude[start] === 0) start += 1;
  const trimmed = magnitude.subarray(start);
  const needsPad = ((trimmed[0] ?? 0) & 0x80) !== 0;
  return tagged(0x02, needsPad ? Buffer.concat([Buffer.from([0]), trimmed]) : trimmed);
}

export const smallInteger = (value: number): Der => unsignedInteger(Buffer.from([value]));

export function objectIdentifier(dotted: string): Der {
  const parts = dotted.split('.').map(Number);
  const [first = 0, second = 0, ...rest] = parts;
  const bytes = [first * 40 + second];
  for (const part of rest) {
    const base128: number[] = [];
    for (let value = part; ; value = Math.floor(value / 128)) {
      base128.unshift((value % 128) | (base128.length > 0 ? 0x80 : 0));
      if (value < 128) break;
    }
    bytes.push(...base128);
  }
  return tagged(0x06, Buffer.from(bytes));
}

/** UTCTime (YYMMDDHHMMSSZ): valid for years 1950-2049, which is all a sandbox certificate needs. */
export function utcTime(date: Date): Der {
  const iso = date.toISOString(); // 2026-01-02T03:04:05.678Z
  const text = `${iso.slice(2, 4)}${iso.slice(5, 7)}${iso.slice(8, 10)}${iso.slice(11, 13)}${iso.slice(14, 16)}${iso.slice(17, 19)}Z`;
  return tagged(0x17, Buffer.from(text, 'ascii'));
}
