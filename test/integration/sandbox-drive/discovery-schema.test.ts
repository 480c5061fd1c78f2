import { GOOGLE_ERROR_SCHEMA, loadDriveDiscovery, validateAgainst } from './discovery-schema';

/** The checker has to be able to fail, or the conformance test proves nothing. */
describe('discovery schema checker', () => {
  const { schemas } = loadDriveDiscovery();
  const file = { $ref: 'File' };

  it('accepts a well-formed File', () => {
    const ok = { kind: 'drive#file', id: 'x', size: '12', createdTime: '2024-05-01T10:00:00.000Z', appProperties: { a: 'b' }, parents: ['p'] };
    expect(validateAgainst(ok, file, schemas)).toEqual([]);
  });

  it.each([
    ['an int64 sent as a number', { size: 12 }, '$.size: expected a string (int64)'],
    ['a date that is not RFC 3339', { modifiedTime: '2024-05-01 10:00' }, '$.modifiedTime: expected an RFC 3339 date-time'],
    ['an unknown property', { colour: 'red' }, '$.colour: not in the schema'],
    ['a non-string map value', { appProperties: { a: 1 } }, '$.appProperties.a: expected a string'],
    ['a scalar where an array belongs', { parents: 'p' }, '$.parents: expected an array'],
    ['an int64 string that is not a number', { version: '1e3' }, '$.version: expected an int64 as a decimal string'],
    ['a wrong boolean', { trashed: 'false' }, '$.trashed: expected a boolean'],
  ])('rejects %s', (_label, value, problem) => {
    expect(validateAgainst(value, file, schemas)).toEqual([problem]);
  });

  it('follows $ref into nested resources', () => {
    const changes = { changes: [{ file: { version: 'one' } }] };
    expect(validateAgainst(changes, { $ref: 'ChangeList' }, schemas)).toEqual(['$.changes[0].file.version: expected an int64 as a decimal string']);
  });

  it('checks the error shape, including required members', () => {
    expect(validateAgainst({ error: { code: 404, message: 'm' } }, GOOGLE_ERROR_SCHEMA, schemas)).toEqual(['$.error.errors: required']);
  });
});
