import { decideOnFile, enhancedFileName } from '../../../../functions/src/jobs/photo-enhancement/photo-file';

const photo = { id: 'f1', name: 'a.jpg', mimeType: 'image/jpeg', size: '1000', trashed: false, appProperties: {} };

describe('decideOnFile', () => {
  it.each(['image/jpeg', 'image/png', 'image/webp', 'image/heic', 'image/heif'])('enhances a new %s', (mimeType) => {
    expect(decideOnFile({ ...photo, mimeType })).toEqual({ action: 'enhance', fileId: 'f1' });
  });

  it.each([
    ['a GIF', { mimeType: 'image/gif' }, 'not_a_photo'],
    ['a text file', { mimeType: 'text/plain' }, 'not_a_photo'],
    ['a file without id', { id: null }, 'not_a_photo'],
    ['a trashed photo', { trashed: true }, 'trashed'],
    ['a result', { appProperties: { derivedFrom: 'f0' } }, 'is_result'],
    ['an enhanced source', { appProperties: { enhancedId: 'r1' } }, 'already_enhanced'],
    ['a photo marked corrupt', { appProperties: { enhanceError: 'unsupported_image' } }, 'marked_unsupported'],
  ])('skips %s', (_label, change, reason) => {
    expect(decideOnFile({ ...photo, ...change })).toEqual({ action: 'skip', reason });
  });

  it('skips a photo over 25 MB without downloading it, and takes one exactly at the limit', () => {
    expect(decideOnFile({ ...photo, size: String(25 * 1024 * 1024 + 1) })).toEqual({ action: 'skip', reason: 'too_large', fileId: 'f1' });
    expect(decideOnFile({ ...photo, size: String(25 * 1024 * 1024) })).toEqual({ action: 'enhance', fileId: 'f1' });
  });

  it('lets a photo without a size through (the download is capped anyway)', () => {
    expect(decideOnFile({ ...photo, size: undefined })).toEqual({ action: 'enhance', fileId: 'f1' });
  });
});

describe('enhancedFileName', () => {
  it.each([
    ['IMG_0042.jpg', 'IMG_0042-enhanced.jpg'],
    ['holiday.photo.PNG', 'holiday.photo-enhanced.jpg'],
    ['no-extension', 'no-extension-enhanced.jpg'],
    ['.hidden', '.hidden-enhanced.jpg'],
    [null, 'photo-enhanced.jpg'],
  ])('%s -> %s', (name, expected) => {
    expect(enhancedFileName(name)).toBe(expected);
  });
});
