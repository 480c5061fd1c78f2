import { changesCursor } from '../../../../functions/src/jobs/photo-enhancement/cursor';
import type { PhotoFile } from '../../../../functions/src/jobs/photo-enhancement/photo-file';
import { batchOf, type CursorPage } from '../../../../functions/src/jobs/photo-enhancement/read-page';

const page = (files: PhotoFile[], next: string, caughtUp = false): CursorPage => ({ files, next: changesCursor(next), caughtUp });
const photo = (id: string, extra: Partial<PhotoFile> = {}): PhotoFile => ({ id, name: `${id}.jpg`, mimeType: 'image/jpeg', ...extra });
const ids = (pages: CursorPage[]) => pages.map((p) => p.files.map((file) => file.id));

describe('a batch of changes pages', () => {
  it('handles a file seen twice once, at its last sighting, with its latest state', () => {
    const pages = [page([photo('a'), photo('b', { name: 'old' }), photo('c')], '2'), page([photo('b', { name: 'new' }), photo('d'), photo('d', { trashed: true })], '3', true)];

    const batch = batchOf(pages, true);

    expect(ids(batch.pages)).toEqual([['a', 'c'], ['b', 'd']]);
    expect(batch.pages[1]!.files.map((file) => [file.name, file.trashed])).toEqual([['new', undefined], ['d.jpg', true]]);
    // Cursors and the end of the feed are the pages' own.
    expect(batch.pages.map((p) => [p.next, p.caughtUp])).toEqual(pages.map((p) => [p.next, p.caughtUp]));
  });

  it('knows every live result by its source once the feed was read to its end, and nothing otherwise', () => {
    const pages = [
      page([photo('s1'), photo('r1', { appProperties: { derivedFrom: 's1' } })], '2'),
      page([photo('r2', { appProperties: { derivedFrom: 's2' }, trashed: true }), photo('r3', { appProperties: { derivedFrom: 's3' } })], '3', true),
    ];

    expect([...batchOf(pages, true).resultsBySource!]).toEqual([
      ['s1', 'r1'],
      ['s3', 'r3'],
    ]);
    expect(batchOf(pages, false).resultsBySource).toBeUndefined();
  });
});
