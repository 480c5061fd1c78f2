import { isOlderKeyVersion } from '../../../functions/src/rotation/key-version-order';

describe('isOlderKeyVersion', () => {
  it('compares Secret Manager versions as numbers, not strings', () => {
    expect(isOlderKeyVersion('1', '2')).toBe(true);
    expect(isOlderKeyVersion('9', '10')).toBe(true);
    expect(isOlderKeyVersion('10', '9')).toBe(false);
    expect(isOlderKeyVersion('2', '2')).toBe(false);
    expect(isOlderKeyVersion('123456789012345678901', '123456789012345678902')).toBe(true);
  });

  it('never calls a newer token stale: an instance with an old cached "latest" must not downgrade it', () => {
    expect(isOlderKeyVersion('3', '2')).toBe(false);
  });

  it('treats non-numeric versions as stale only when they differ', () => {
    expect(isOlderKeyVersion('file', 'file')).toBe(false);
    expect(isOlderKeyVersion('file', '2')).toBe(true);
  });
});
