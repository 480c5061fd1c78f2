import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { detectImageFormat } from '../../../functions/src/photos';
import { testPhoto } from '../../support/images';

describe('detectImageFormat', () => {
  it.each(['jpeg', 'png', 'webp'] as const)('recognises %s from its bytes', async (format) => {
    expect(detectImageFormat(await testPhoto(8, 8, { format }))).toBe(format);
  });

  it('recognises an HEIC from its bytes, and a JPEG named .heic as a JPEG', async () => {
    expect(detectImageFormat(readFileSync(join(__dirname, '..', '..', '..', 'sandbox', 'fixtures', 'photos', 'harbour.heic')))).toBe('heic');
    expect(detectImageFormat(await testPhoto(8, 8))).toBe('jpeg');
  });

  it.each([
    ['too short', Buffer.from([0xff, 0xd8])],
    ['RIFF that is not WebP', Buffer.from('RIFF\0\0\0\0WAVEfmt ', 'latin1')],
    ['text', Buffer.from('just words')],
  ])('returns undefined for %s', (_label, bytes) => {
    expect(detectImageFormat(bytes)).toBeUndefined();
  });
});
