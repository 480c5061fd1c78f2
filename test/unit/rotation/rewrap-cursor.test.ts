import { decodeCursor, encodeCursor, START_CURSOR } from '../../../functions/src/rotation/rewrap-cursor';

describe('rewrap cursor', () => {
  it('round-trips a position, a start of pass, the pass target and state, and document ids with any characters', () => {
    for (const cursor of [
      { after: 'user-000042', pass: 1, keyVersion: '2', settled: false, stale: 0 },
      { after: undefined, pass: 3, keyVersion: '17', settled: true, stale: 0 },
      { after: 'ünïcødé/😀 "quoted"', pass: 2, keyVersion: '2', settled: true, stale: 7 },
      { after: undefined, pass: 1, keyVersion: undefined, settled: false, stale: 0 },
    ]) {
      const text = encodeCursor(cursor);
      expect(text).toMatch(/^[A-Za-z0-9_-]+$/);
      expect(decodeCursor(text)).toEqual(cursor);
    }
    expect(decodeCursor(encodeCursor(START_CURSOR))).toEqual(START_CURSOR);
  });

  it.each([
    ['empty', ''],
    ['not base64url', 'abc+/='],
    ['not JSON', Buffer.from('{nope').toString('base64url')],
    ['an earlier format', Buffer.from(JSON.stringify({ v: 1, pass: 1, conflicts: 0 })).toString('base64url')],
    ['a negative pass', Buffer.from(JSON.stringify({ v: 2, pass: -1, settled: false, stale: 0 })).toString('base64url')],
    ['an extra field', Buffer.from(JSON.stringify({ v: 2, pass: 1, settled: false, stale: 0, admin: true })).toString('base64url')],
    ['a non-string position', Buffer.from(JSON.stringify({ v: 2, after: 5, pass: 1, settled: false, stale: 0 })).toString('base64url')],
    ['a key version no key source issues', Buffer.from(JSON.stringify({ v: 2, pass: 1, keyVersion: '../1', settled: true, stale: 0 })).toString('base64url')],
    ['a settled flag that is not a boolean', Buffer.from(JSON.stringify({ v: 2, pass: 1, settled: 'yes', stale: 0 })).toString('base64url')],
    ['too long', 'a'.repeat(5000)],
  ])('refuses %s', (_name, text) => {
    expect(decodeCursor(text)).toBeUndefined();
  });
});
