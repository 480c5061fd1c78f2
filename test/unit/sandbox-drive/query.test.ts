import type { StoredFile } from '../../../sandbox/src/drive/model';
import { matchesQuery } from '../../../sandbox/src/drive/query/evaluate';
import { QuerySyntaxError } from '../../../sandbox/src/drive/query/lexer';
import { parseQuery } from '../../../sandbox/src/drive/query/parser';

const APP_DATA_ID = '0AappdataUk9PVA';

function file(overrides: Partial<StoredFile> = {}): StoredFile {
  return {
    id: '1file',
    seq: 1,
    space: 'appDataFolder',
    name: 'Holiday Photo.jpg',
    mimeType: 'image/jpeg',
    parents: [APP_DATA_ID],
    appProperties: { derivedFrom: "it's-1" },
    trashed: false,
    trashedTime: undefined,
    content: Buffer.alloc(0),
    abusive: false,
    md5Checksum: '',
    createdTime: Date.parse('2024-05-01T10:00:00Z'),
    modifiedTime: Date.parse('2024-05-02T10:00:00Z'),
    version: 1,
    ...overrides,
  };
}

const matches = (q: string, target = file()) =>
  matchesQuery(target, parseQuery(q), (id) => (id === 'appDataFolder' ? APP_DATA_ID : id));

describe('Drive q subset', () => {
  it.each([
    ["'appDataFolder' in parents", true],
    [`'${APP_DATA_ID}' in parents`, true],
    ["'root' in parents", false],
    ["appProperties has { key='derivedFrom' and value='it\\'s-1' }", true],
    ["appProperties has { key='derivedFrom' and value='other' }", false],
    ["mimeType = 'image/jpeg'", true],
    ["mimeType != 'image/jpeg'", false],
    ["mimeType contains 'image/'", true],
    ['trashed = false', true],
    ['trashed != false', false],
    ["name = 'Holiday Photo.jpg'", true],
    ["name contains 'photo'", true],
    ["name contains 'oliday'", false],
    ["modifiedTime > '2024-05-01T12:00:00'", true],
    ["createdTime >= '2024-05-01T10:00:01Z'", false],
    ["'appDataFolder' in parents and trashed = false and mimeType contains 'image/'", true],
    ["name = 'x' or mimeType = 'image/jpeg' and trashed = true", false],
    ["(name = 'x' or mimeType = 'image/jpeg') and not trashed = true", true],
    ["TRASHED = false", undefined],
  ])('%s -> %s', (q, expected) => {
    if (expected === undefined) expect(() => parseQuery(q)).toThrow(QuerySyntaxError);
    else expect(matches(q)).toBe(expected);
  });

  it('binds and tighter than or', () => {
    expect(parseQuery("name = 'a' or name = 'b' and trashed = true")).toEqual({
      kind: 'or',
      left: { kind: 'text', field: 'name', op: '=', value: 'a' },
      right: { kind: 'and', left: { kind: 'text', field: 'name', op: '=', value: 'b' }, right: { kind: 'trashed', op: '=', value: true } },
    });
  });

  it.each([
    "fullText contains 'x'",
    "properties has { key='a' and value='b' }",
    "appProperties has { key='a' }",
    "name = 'unterminated",
    "name = 'a' and",
    "name < 'a'",
    'trashed = maybe',
    "modifiedTime > 'yesterday'",
    "'x' in owners",
    "name = 'a')",
  ])('refuses %s', (q) => {
    expect(() => parseQuery(q)).toThrow(QuerySyntaxError);
  });
});
