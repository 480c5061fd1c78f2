import { randomBytes } from 'node:crypto';
import { decodeBase64Key, decodeKeyMaterial } from '../../../functions/src/tokens/key-material';

describe('key material', () => {
  const key = randomBytes(32);

  it('takes 32 raw bytes as they are', () => {
    expect(decodeKeyMaterial(key)?.equals(key)).toBe(true);
  });

  it.each([
    ['base64 with newline', `${key.toString('base64')}\n`],
    ['base64 with CRLF and spaces', `  ${key.toString('base64')}\r\n`],
    ['base64 without padding', key.toString('base64').replace(/=+$/, '')],
    ['base64url', key.toString('base64url')],
  ])('takes %s text', (_label, text) => {
    expect(decodeKeyMaterial(Buffer.from(text, 'latin1'))?.equals(key)).toBe(true);
  });

  it.each([
    ['31 raw bytes', randomBytes(31)],
    ['33 raw bytes', randomBytes(33)],
    ['base64 of 16 bytes', Buffer.from(randomBytes(16).toString('base64'))],
    ['base64 of 48 bytes', Buffer.from(randomBytes(48).toString('base64'))],
    ['base64 with junk inside', Buffer.from(`${key.toString('base64').slice(0, 20)}!${key.toString('base64').slice(20)}`)],
    ['two lines of base64', Buffer.from(`${key.toString('base64')}\n${key.toString('base64')}\n`)],
    ['empty', Buffer.alloc(0)],
  ])('refuses %s', (_label, payload) => {
    expect(decodeKeyMaterial(payload)).toBeUndefined();
  });

  it('hex text is not mistaken for base64 of 32 bytes', () => {
    expect(decodeBase64Key(key.toString('hex'))).toBeUndefined();
  });
});
