import { Readable } from 'node:stream';
import { RESOURCE_FIELDS } from '../../../sandbox/src/drive/resource-schemas';
import { type DiscoverySchema, GOOGLE_ERROR_SCHEMA, validateAgainst } from './discovery-schema';
import { loadDriveSchemas } from './drive-typings';
import { type DriveKit, SIGN_IN_SCOPES, startDriveKit } from './drive-test-kit';

/**
 * A sample of real sandbox responses, every field asked for (`fields=*`), held against Drive v3's
 * schemas as `@googleapis/drive` declares them (generated from Drive's discovery document); errors
 * against Google's error format.
 */
describe('sandbox Drive conforms to the Drive v3 schemas', () => {
  let kit: DriveKit;
  let schemas: Record<string, DiscoverySchema>;
  const sub = 'user-conformance';
  let token: string;
  let fileId: string;

  beforeAll(async () => {
    schemas = loadDriveSchemas();
    kit = await startDriveKit();
    token = kit.tokenFor(sub);
    const client = kit.clientWithToken(token);
    const { data } = await client.files.create(
      {
        requestBody: { name: 'sample.jpg', mimeType: 'image/jpeg', parents: ['appDataFolder'], appProperties: { derivedFrom: 'x' } },
        media: { mimeType: 'image/jpeg', body: Readable.from(Buffer.from('jpeg')) },
        fields: 'id',
      },
      { rootUrl: kit.rootUrl },
    );
    fileId = data.id!;
    await client.files.update({ fileId, requestBody: { trashed: true } });
    await client.files.create({ requestBody: { name: 'gone', parents: ['appDataFolder'] } }).then(({ data: gone }) => client.files.delete({ fileId: gone.id! }));
  });
  afterAll(() => kit.close());

  /** `null`: no Authorization header at all. */
  async function bodyOf(path: string, accessToken: string | null = token): Promise<{ status: number; body: unknown }> {
    const response = await kit.api(accessToken ?? undefined, path);
    return { status: response.status, body: await response.json() };
  }

  it.each([
    ['File (files.get)', () => `/drive/v3/files/${fileId}?fields=*`, 'File'],
    ['File, default fields', () => `/drive/v3/files/${fileId}`, 'File'],
    ['the app data folder', () => '/drive/v3/files/appDataFolder?fields=*', 'File'],
    ['FileList', () => '/drive/v3/files?spaces=appDataFolder&fields=*', 'FileList'],
    ['FileList with a next page', () => '/drive/v3/files?spaces=appDataFolder&pageSize=1', 'FileList'],
    ['StartPageToken', () => '/drive/v3/changes/startPageToken', 'StartPageToken'],
    ['ChangeList (file, trashed, removed)', () => '/drive/v3/changes?pageToken=1&spaces=appDataFolder&fields=*', 'ChangeList'],
    ['ChangeList with a next page', () => '/drive/v3/changes?pageToken=1&spaces=appDataFolder&pageSize=1', 'ChangeList'],
    ['About', () => '/drive/v3/about?fields=*', 'About'],
  ])('%s matches its schema', async (_label, path, schemaName) => {
    const { status, body } = await bodyOf(path());
    expect(status).toBe(200);
    expect(validateAgainst(body, { $ref: schemaName }, schemas)).toEqual([]);
    expect((body as { kind?: string }).kind).toBe(schemas[schemaName]?.properties?.kind?.default);
  });

  it('serves every field it writes in a full File and ChangeList, so the sample really covers them', async () => {
    const { body } = await bodyOf('/drive/v3/changes?pageToken=1&spaces=appDataFolder&fields=*');
    const changes = (body as { changes: { removed: boolean; file?: Record<string, unknown> }[] }).changes;
    expect(changes.some((change) => change.removed)).toBe(true);
    const file = changes.find((change) => change.file)?.file ?? {};
    expect(Object.keys(file)).toEqual(expect.arrayContaining(['size', 'md5Checksum', 'version', 'createdTime', 'trashedTime', 'appProperties', 'parents']));
  });

  it.each([
    ['401 authError', () => bodyOf('/drive/v3/files', 'ya29.unknown'), 401],
    ['401 required', () => bodyOf('/drive/v3/files', null), 401],
    ['403 insufficientPermissions', () => bodyOf('/drive/v3/files', kit.tokenFor('user-weak', SIGN_IN_SCOPES)), 403],
    ['404 notFound', () => bodyOf('/drive/v3/files/1nope'), 404],
    ['400 invalid', () => bodyOf('/drive/v3/files?q=' + encodeURIComponent('starred = true')), 400],
    ['403 userRateLimitExceeded', async () => {
      await kit.admin('PUT', `/users/${sub}/faults`, { failNext: { count: 1, status: 403 } });
      return bodyOf('/drive/v3/changes/startPageToken');
    }, 403],
    ['429 rateLimitExceeded', async () => {
      await kit.admin('PUT', `/users/${sub}/faults`, { failNext: { count: 1, status: 429, retryAfterSeconds: 2 } });
      return bodyOf('/drive/v3/changes/startPageToken');
    }, 429],
  ])('the %s error matches Google’s error format', async (_label, call, expectedStatus) => {
    const { status, body } = await call();
    expect(status).toBe(expectedStatus);
    expect(validateAgainst(body, GOOGLE_ERROR_SCHEMA, schemas)).toEqual([]);
    expect((body as { error: { code: number } }).error.code).toBe(expectedStatus);
  });

  it("knows exactly Drive's field names, for checking `fields` selections", () => {
    for (const [resource, table] of Object.entries(RESOURCE_FIELDS)) {
      const declared = Object.keys(schemas[resource]?.properties ?? {}).sort();
      expect({ resource, fields: Object.keys(table).sort() }).toEqual({ resource, fields: declared });
    }
  });
});
