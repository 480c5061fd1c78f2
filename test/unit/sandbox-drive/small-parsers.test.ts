import { applyAppPropertiesPatch } from '../../../sandbox/src/drive/app-properties';
import { requestedByteRange } from '../../../sandbox/src/drive/byte-range';
import { parseContentRange } from '../../../sandbox/src/drive/content-range';
import { DriveError } from '../../../sandbox/src/drive/drive-error';
import { newFileId, permissionIdFor } from '../../../sandbox/src/drive/ids';
import { parseRfc3339, rfc3339 } from '../../../sandbox/src/drive/time';

describe('small Drive formats', () => {
  it('makes Drive-shaped file ids', () => {
    const ids = new Set(Array.from({ length: 100 }, newFileId));
    expect(ids.size).toBe(100);
    for (const id of ids) expect(id).toMatch(/^1[A-Za-z0-9_-]{32}$/);
  });

  it('derives a stable 20-digit permission id per user', () => {
    expect(permissionIdFor('a')).toMatch(/^\d{20}$/);
    expect(permissionIdFor('a')).toBe(permissionIdFor('a'));
    expect(permissionIdFor('a')).not.toBe(permissionIdFor('b'));
  });

  it('writes and reads RFC 3339 the way Drive does', () => {
    expect(rfc3339(Date.UTC(2024, 4, 1, 10))).toBe('2024-05-01T10:00:00.000Z');
    expect(parseRfc3339('2024-05-01T10:00:00')).toBe(Date.UTC(2024, 4, 1, 10));
    expect(parseRfc3339('2024-05-01T12:00:00+02:00')).toBe(Date.UTC(2024, 4, 1, 10));
    expect(parseRfc3339('2024-05-01')).toBe(Date.UTC(2024, 4, 1));
    expect(parseRfc3339('May 1st')).toBeUndefined();
    expect(parseRfc3339('2024-13-01T00:00:00Z')).toBeUndefined();
  });

  it('merges appProperties: null removes, others are kept, limits hold', () => {
    expect(applyAppPropertiesPatch({ a: '1', b: '2' }, { b: null, c: '3' })).toEqual({ a: '1', c: '3' });
    expect(() => applyAppPropertiesPatch({}, { k: 'v'.repeat(124) })).toThrow(DriveError);
    const thirtyOne = Object.fromEntries(Array.from({ length: 31 }, (_, i) => [`k${i}`, 'v']));
    expect(() => applyAppPropertiesPatch({}, thirtyOne)).toThrow(DriveError);
  });

  it('reads a download Range header: one satisfiable range, unsatisfiable, or ignored', () => {
    expect(requestedByteRange('bytes=0-99', 1000)).toEqual({ kind: 'range', first: 0, last: 99 });
    expect(requestedByteRange('bytes=900-2000', 1000)).toEqual({ kind: 'range', first: 900, last: 999 });
    expect(requestedByteRange('bytes=990-', 1000)).toEqual({ kind: 'range', first: 990, last: 999 });
    expect(requestedByteRange('bytes=-10', 1000)).toEqual({ kind: 'range', first: 990, last: 999 });
    expect(requestedByteRange('bytes=-5000', 1000)).toEqual({ kind: 'range', first: 0, last: 999 });
    expect(requestedByteRange(' Bytes = 1-2 ', 10)).toEqual({ kind: 'range', first: 1, last: 2 });
    expect(requestedByteRange('bytes=1000-', 1000)).toEqual({ kind: 'unsatisfiable' });
    expect(requestedByteRange('bytes=0-0', 0)).toEqual({ kind: 'unsatisfiable' });
    expect(requestedByteRange('bytes=-0', 1000)).toEqual({ kind: 'unsatisfiable' });
    // Not a range a server must honour: answered with the whole file, as RFC 9110 allows.
    for (const header of [undefined, '', 'bytes=5-1', 'bytes=0-1,5-6', 'items=0-1', 'bytes=a-b', 'bytes=-']) {
      expect(requestedByteRange(header, 1000)).toEqual({ kind: 'whole' });
    }
  });

  it('reads resumable Content-Range headers', () => {
    expect(parseContentRange(undefined)).toEqual({ kind: 'whole' });
    expect(parseContentRange('bytes 0-99/1000')).toEqual({ kind: 'chunk', first: 0, last: 99, total: 1000 });
    expect(parseContentRange('bytes 100-199/*')).toEqual({ kind: 'chunk', first: 100, last: 199, total: undefined });
    expect(parseContentRange('bytes */1000')).toEqual({ kind: 'query', total: 1000 });
    expect(parseContentRange('items 0-1/2')).toBeUndefined();
  });
});
