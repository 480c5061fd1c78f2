import { DriveError } from '../../../sandbox/src/drive/drive-error';
import { parseFieldMask, project } from '../../../sandbox/src/drive/fields';

const list = {
  kind: 'drive#fileList',
  nextPageToken: 'next',
  incompleteSearch: false,
  files: [
    { kind: 'drive#file', id: 'a', name: 'A', appProperties: { x: '1', y: '2' }, size: '3' },
    { kind: 'drive#file', id: 'b', name: 'B', size: '4' },
  ],
};

describe('partial responses (fields)', () => {
  it.each([
    ['files(id,name,appProperties),nextPageToken', { nextPageToken: 'next', files: [{ id: 'a', name: 'A', appProperties: { x: '1', y: '2' } }, { id: 'b', name: 'B' }] }],
    ['files/id', { files: [{ id: 'a' }, { id: 'b' }] }],
    ['files(id),files(size)', { files: [{ id: 'a', size: '3' }, { id: 'b', size: '4' }] }],
    ['files(appProperties/x)', { files: [{ appProperties: { x: '1' } }, {}] }],
    ['files(*)', { files: list.files }],
    ['kind, files( id )', { kind: 'drive#fileList', files: [{ id: 'a' }, { id: 'b' }] }],
    ['*', list],
  ])('%s', (fields, expected) => {
    expect(project(list, parseFieldMask(fields, 'FileList'))).toEqual(expected);
  });

  it.each(['files(id', 'files()', 'nope', 'files(nope)', 'kind(x)', 'files/*/id', ',', 'files(id))'])('refuses %s', (fields) => {
    const attempt = () => parseFieldMask(fields, 'FileList');
    expect(attempt).toThrow(DriveError);
    try {
      attempt();
    } catch (error) {
      expect((error as DriveError).body().error.errors[0]).toMatchObject({ reason: 'invalidParameter', location: 'fields' });
    }
  });

  it('checks nested resources by their own schema', () => {
    expect(() => parseFieldMask('changes(file(id,md5Checksum))', 'ChangeList')).not.toThrow();
    expect(() => parseFieldMask('changes(file(colour))', 'ChangeList')).toThrow(DriveError);
  });

  it("accepts the File fields that today's Drive declares, not only those the sandbox fills", () => {
    expect(() => parseFieldMask('files(id,sha256Checksum,resourceKey,labelInfo/labels,downloadRestrictions)', 'FileList')).not.toThrow();
  });
});
