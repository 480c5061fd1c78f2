import { GOOGLE_ERROR_SCHEMA, validateAgainst } from './discovery-schema';
import { loadDriveSchemas, parseDriveTypings } from './drive-typings';

/** The checker has to be able to fail, or the conformance test proves nothing. */
describe('discovery schema checker', () => {
  const schemas = loadDriveSchemas();
  const file = { $ref: 'File' };

  it('accepts a well-formed File', () => {
    const ok = { kind: 'drive#file', id: 'x', size: '12', createdTime: '2024-05-01T10:00:00.000Z', appProperties: { a: 'b' }, parents: ['p'] };
    expect(validateAgainst(ok, file, schemas)).toEqual([]);
  });

  it.each([
    ['an int64 sent as a number', { size: 12 }, '$.size: expected a string'],
    ['a date that is not RFC 3339', { modifiedTime: '2024-05-01 10:00' }, '$.modifiedTime: expected an RFC 3339 date-time'],
    ['an unknown property', { colour: 'red' }, '$.colour: not in the schema'],
    ['a non-string map value', { appProperties: { a: 1 } }, '$.appProperties.a: expected a string'],
    ['a scalar where an array belongs', { parents: 'p' }, '$.parents: expected an array'],
    ['an unknown property of an inline object', { capabilities: { canFly: true } }, '$.capabilities.canFly: not in the schema'],
    ['a string where a nested number belongs', { imageMediaMetadata: { location: { latitude: '48.1' } } }, '$.imageMediaMetadata.location.latitude: expected a number'],
    ['a wrong boolean', { trashed: 'false' }, '$.trashed: expected a boolean'],
  ])('rejects %s', (_label, value, problem) => {
    expect(validateAgainst(value, file, schemas)).toEqual([problem]);
  });

  it('follows $ref into nested resources', () => {
    const changes = { changes: [{ file: { version: 1 }, time: 'yesterday' }] };
    expect(validateAgainst(changes, { $ref: 'ChangeList' }, schemas)).toEqual([
      '$.changes[0].file.version: expected a string',
      '$.changes[0].time: expected an RFC 3339 date-time',
    ]);
  });

  it('checks the error shape, including required members', () => {
    expect(validateAgainst({ error: { code: 404, message: 'm' } }, GOOGLE_ERROR_SCHEMA, schemas)).toEqual(['$.error.errors: required']);
  });
});

describe('Drive schemas read from the @googleapis/drive typings', () => {
  const typings = (body: string): string => `export declare namespace drive_v3 {\n${body}\n}`;

  it('translates types, maps, arrays, references and the formats the doc comments state', () => {
    const schemas = parseDriveTypings(
      typings(`
        export interface Schema$Thing {
          /** Value: the fixed string \`"drive#thing"\`. */
          kind?: string | null;
          /** When it happened (RFC 3339 date-time). */
          time?: string | null;
          labels?: { [key: string]: string[] } | null;
          owners?: Schema$User[];
          themes?: Array<{ id?: string; size?: number; on?: boolean }> | null;
        }
        export interface Schema$User { me?: boolean | null; }
        export class Resource$Things {}
      `),
    );
    expect(schemas).toEqual({
      Thing: {
        type: 'object',
        properties: {
          kind: { type: 'string', default: 'drive#thing' },
          time: { type: 'string', format: 'date-time' },
          labels: { type: 'object', additionalProperties: { type: 'array', items: { type: 'string' } } },
          owners: { type: 'array', items: { $ref: 'User' } },
          themes: {
            type: 'array',
            items: { type: 'object', properties: { id: { type: 'string' }, size: { type: 'number' }, on: { type: 'boolean' } } },
          },
        },
      },
      User: { type: 'object', properties: { me: { type: 'boolean' } } },
    });
  });

  it('refuses a type it cannot translate rather than loosening the schema', () => {
    expect(() => parseDriveTypings(typings('export interface Schema$Thing { when?: Date | null; }'))).toThrow('Schema$Thing.when: unsupported type TypeReference');
    expect(() => parseDriveTypings(typings('export interface Schema$Thing { size?: string | number; }'))).toThrow('Schema$Thing.size: unsupported union');
  });

  it('finds the resources the sandbox serves in the installed package', () => {
    expect(Object.keys(loadDriveSchemas())).toEqual(expect.arrayContaining(['File', 'FileList', 'Change', 'ChangeList', 'StartPageToken', 'About', 'User']));
  });
});
