/**
 * CRC-32C as Secret Manager computes `dataCrc32c`. Written bit by bit, on purpose differently from
 * the product's table-driven one, so a mistake in either shows up as a checksum mismatch in tests.
 */
export function crc32cBitwise(data: Uint8Array): number {
  let crc = ~0;
  for (const byte of data) {
    crc ^= byte;
    for (let bit = 0; bit < 8; bit += 1) crc = (crc >>> 1) ^ (0x82f63b78 & -(crc & 1));
  }
  return ~crc >>> 0;
}
