import { createHash } from 'node:crypto';
import { refreshTokenIdFromEvent, refreshTokenIds, sameRefreshToken } from '../../../functions/src/users/refresh-token-ids';
import { tokenIdentifier } from '../../../sandbox/src/risc/token-identifier';

const TOKEN = `1//0${'gLx9-Ab_cd'.repeat(10)}`;
const OTHER = `1//0${'Zq8y-Ef_gh'.repeat(10)}`;

describe('refresh token identifiers', () => {
  it('matches what Google sends, for both identifier algorithms', () => {
    const stored = refreshTokenIds(TOKEN);
    for (const alg of ['prefix', 'hash_base64_sha512_sha512'] as const) {
      const id = refreshTokenIdFromEvent(alg, tokenIdentifier(TOKEN, alg));
      expect(id).toBeDefined();
      expect(stored).toContain(id);
      expect(refreshTokenIds(OTHER)).not.toContain(id);
    }
  });

  it('is SHA-512 over the raw SHA-512 digest, base64', () => {
    const expected = createHash('sha512').update(createHash('sha512').update(TOKEN).digest()).digest('base64');
    expect(tokenIdentifier(TOKEN, 'hash_base64_sha512_sha512')).toBe(expected);
    expect(expected).toHaveLength(88);
  });

  it('accepts the double hash as base64 or base64url, padded or not', () => {
    const digest = Buffer.from(tokenIdentifier(TOKEN, 'hash_base64_sha512_sha512'), 'base64');
    const variants = [digest.toString('base64'), digest.toString('base64url'), digest.toString('base64').replace(/=+$/, '')];
    const ids = variants.map((value) => refreshTokenIdFromEvent('hash_base64_sha512_sha512', value));
    expect(new Set(ids).size).toBe(1);
    expect(refreshTokenIds(TOKEN)).toContain(ids[0]);
  });

  it('stores neither the token nor its prefix in plaintext', () => {
    const stored = refreshTokenIds(TOKEN).join(' ');
    expect(stored).not.toContain(TOKEN.slice(0, 16));
    expect(stored).not.toContain(TOKEN.slice(4, 16));
  });

  it.each([
    ['an unknown algorithm', 'plain', TOKEN],
    ['a prefix of the wrong length', 'prefix', TOKEN.slice(0, 15)],
    ['a hash of the wrong length', 'hash_base64_sha512_sha512', Buffer.alloc(32).toString('base64')],
    ['a hash that is not base64', 'hash_base64_sha512_sha512', '!'.repeat(88)],
  ])('matches nothing for %s', (_name, alg, token) => {
    expect(refreshTokenIdFromEvent(alg, token)).toBeUndefined();
  });

  it('two records hold the same refresh token when its identifiers match, whatever its seal (a key rotation re-seals it)', () => {
    const ids = refreshTokenIds('1//0same-token');
    expect(sameRefreshToken({ refreshToken: { ciphertext: 'under-v1' }, refreshTokenIds: ids }, { refreshToken: { ciphertext: 'under-v2' }, refreshTokenIds: [...ids] })).toBe(true);
    expect(sameRefreshToken({ refreshToken: { ciphertext: 'same' }, refreshTokenIds: ids }, { refreshToken: { ciphertext: 'same' }, refreshTokenIds: refreshTokenIds('1//0another') })).toBe(false);
    // A record from before identifiers were stored: only the sealed bytes can say.
    expect(sameRefreshToken({ refreshToken: { ciphertext: 'a' } }, { refreshToken: { ciphertext: 'a' }, refreshTokenIds: ids })).toBe(true);
    expect(sameRefreshToken({ refreshToken: { ciphertext: 'a' } }, { refreshToken: { ciphertext: 'b' }, refreshTokenIds: ids })).toBe(false);
  });
});

