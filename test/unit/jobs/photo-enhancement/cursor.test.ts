import { changesCursor, listingCursor, readPhotoCursor } from '../../../../functions/src/jobs/photo-enhancement/cursor';

describe('photo job cursor', () => {
  it('reads back what it wrote, through JSON (as Firestore stores it)', () => {
    for (const cursor of [listingCursor('s1'), listingCursor('s1', 'p2'), changesCursor('c9')]) {
      expect(readPhotoCursor(JSON.parse(JSON.stringify(cursor)))).toEqual(cursor);
    }
  });

  it('writes null, not undefined, for "first page": Firestore refuses undefined', () => {
    expect(Object.values(listingCursor('s1'))).not.toContain(undefined);
  });

  it.each([
    ['nothing saved', undefined],
    ['another version', { version: 2, phase: 'changes', pageToken: 'x' }],
    ['an unknown phase', { version: 1, phase: 'sweeping', pageToken: 'x' }],
    ['an empty token', { version: 1, phase: 'changes', pageToken: '' }],
    ['a listing without its start token', { version: 1, phase: 'listing', pageToken: null }],
  ])('treats %s as no cursor', (_label, saved) => {
    expect(readPhotoCursor(saved)).toBeUndefined();
  });
});
