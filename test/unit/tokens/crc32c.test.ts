import fc from 'fast-check';
import { crc32c } from '../../../functions/src/tokens/crc32c';
import { crc32cBitwise } from '../../../sandbox/src/secret-manager/crc32c';

describe('CRC-32C', () => {
  // Check values from RFC 3720 (iSCSI) appendix B.4 and the common "123456789" test vector.
  it.each([
    ['123456789', Buffer.from('123456789'), 0xe3069283],
    ['32 zero bytes', Buffer.alloc(32, 0), 0x8a9136aa],
    ['32 0xff bytes', Buffer.alloc(32, 0xff), 0x62a8ab43],
    ['empty', Buffer.alloc(0), 0],
  ])('matches the published value for %s (product and sandbox)', (_label, data, expected) => {
    expect(crc32c(data)).toBe(expected);
    expect(crc32cBitwise(data)).toBe(expected);
  });

  it('the product and sandbox implementations agree on any bytes', () => {
    fc.assert(fc.property(fc.uint8Array({ maxLength: 200 }), (data) => crc32c(data) === crc32cBitwise(data)));
  });
});
