import { decodedPixelCost, jpegShrinkOnLoad } from '../../../functions/src/photos';

describe('decodedPixelCost', () => {
  it('follows sharp\'s JPEG shrink-on-load into 2048: 12 and 24 MP decode whole, 48 MP at half, 200 MP at a quarter', () => {
    expect(jpegShrinkOnLoad(4032, 3024, 2048)).toBe(1);
    expect(jpegShrinkOnLoad(5712, 4284, 2048)).toBe(1);
    expect(jpegShrinkOnLoad(8064, 6048, 2048)).toBe(2);
    expect(jpegShrinkOnLoad(6048, 8064, 2048)).toBe(2);
    expect(jpegShrinkOnLoad(16384, 12288, 2048)).toBe(4);
    expect(decodedPixelCost({ format: 'jpeg', width: 8064, height: 6048 }, 2048)).toBe(4032 * 3024);
    expect(decodedPixelCost({ format: 'jpeg', width: 4032, height: 3024 }, 2048)).toBe(4032 * 3024);
  });

  it('counts PNG and WebP whole and HEIC three times (its decoder holds more per pixel)', () => {
    expect(decodedPixelCost({ format: 'png', width: 8064, height: 6048 }, 2048)).toBe(8064 * 6048);
    expect(decodedPixelCost({ format: 'webp', width: 100, height: 100 }, 2048)).toBe(10_000);
    expect(decodedPixelCost({ format: 'heic', width: 4032, height: 3024 }, 2048)).toBe(4032 * 3024 * 3);
  });
});
