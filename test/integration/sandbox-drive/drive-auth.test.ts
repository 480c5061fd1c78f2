import { type DriveKit, failureOf, headerOf, reasonOf, SIGN_IN_SCOPES, startDriveKit } from './drive-test-kit';

/** Bearer checks and scopes: what Drive answers a token it will not honour, in its exact shape. */
describe('sandbox Drive authentication and authorisation', () => {
  let kit: DriveKit;
  beforeAll(async () => {
    kit = await startDriveKit();
  });
  afterAll(() => kit.close());

  const AUTH_ERROR = {
    error: {
      code: 401,
      message: expect.stringMatching(/^Request had invalid authentication credentials\./),
      errors: [{ domain: 'global', reason: 'authError', message: 'Invalid Credentials', locationType: 'header', location: 'Authorization' }],
      status: 'UNAUTHENTICATED',
    },
  };

  it.each([
    ['expired', (sub: string) => {
      const token = kit.tokenFor(sub);
      kit.sandbox.accessTokens.expireAllFor(sub);
      return token;
    }],
    ['revoked', (sub: string) => {
      const token = kit.tokenFor(sub);
      kit.sandbox.accessTokens.revoke(token);
      return token;
    }],
    ['unknown', () => 'ya29.never-issued-by-the-sandbox'],
  ])('refuses a token that is %s with 401 authError through the client', async (label, makeToken) => {
    const client = kit.clientWithToken(makeToken(`user-401-${label}`));
    const error = await failureOf(client.files.list({ spaces: 'appDataFolder' }, { retry: false }));
    expect(error.status).toBe(401);
    expect(error.response?.data).toEqual(AUTH_ERROR);
    expect(headerOf(error, 'www-authenticate')).toMatch(/^Bearer /);
  });

  it('refuses a request without credentials with 401 "Login Required"', async () => {
    const response = await kit.api(undefined, '/drive/v3/files?spaces=appDataFolder');
    expect(response.status).toBe(401);
    expect(await response.json()).toMatchObject({ error: { code: 401, errors: [{ reason: 'required', message: 'Login Required' }] } });
  });

  it('never echoes the token it refused', async () => {
    const token = 'ya29.secret-looking-token-value';
    const response = await kit.api(token, '/drive/v3/files');
    expect(await response.text()).not.toContain('secret-looking');
  });

  it('answers 403 insufficientPermissions to a sign-in-only token', async () => {
    const client = kit.clientFor('user-no-drive', SIGN_IN_SCOPES);
    const error = await failureOf(client.files.list({ spaces: 'appDataFolder' }));
    expect(error.status).toBe(403);
    expect(reasonOf(error)).toBe('insufficientPermissions');
    expect(error.response?.data).toMatchObject({ error: { status: 'PERMISSION_DENIED' } });
  });

  it('refuses the app data folder to a drive.file token', async () => {
    const client = kit.clientFor('user-drive-file', ['https://www.googleapis.com/auth/drive.file']);
    const error = await failureOf(client.changes.list({ pageToken: '1', spaces: 'appDataFolder' }));
    expect(error.status).toBe(403);
    expect(reasonOf(error)).toBe('insufficientPermissions');
  });

  it("keeps each user's files to themselves: another user's id is 404 notFound", async () => {
    const owner = kit.clientFor('user-owner');
    const { data } = await owner.files.create({ requestBody: { name: 'private.txt', parents: ['appDataFolder'] } });
    const error = await failureOf(kit.clientFor('user-other').files.get({ fileId: data.id! }, { retry: false }));
    expect(error.status).toBe(404);
    expect(error.response?.data).toEqual({
      error: {
        code: 404,
        message: `File not found: ${data.id}.`,
        errors: [{ domain: 'global', reason: 'notFound', message: `File not found: ${data.id}.`, locationType: 'parameter', location: 'fileId' }],
      },
    });
  });

  it.each([
    ['an unsupported q term', "fullText contains 'x'"],
    ['a q with an unclosed string', "name = 'x"],
  ])('answers %s with 400 invalid "Invalid Value" at q, as Drive does', async (_label, q) => {
    const response = await kit.api(kit.tokenFor('user-400'), '/drive/v3/files?spaces=appDataFolder&q=' + encodeURIComponent(q));
    expect(response.status).toBe(400);
    expect(await response.json()).toEqual({
      error: {
        code: 400,
        message: 'Invalid Value',
        errors: [{ domain: 'global', reason: 'invalid', message: 'Invalid Value', locationType: 'parameter', location: 'q' }],
      },
    });
  });

  it.each([
    ['an unknown field', '/drive/v3/files?spaces=appDataFolder&fields=files(id,colour)', 'fields'],
    ['a sub-selection of a leaf', '/drive/v3/files?spaces=appDataFolder&fields=files(id(x))', 'fields'],
    ['pageSize over 1000', '/drive/v3/files?spaces=appDataFolder&pageSize=1001', 'pageSize'],
    ['a foreign page token', '/drive/v3/files?spaces=appDataFolder&pageToken=bm90LWEtdG9rZW4', 'pageToken'],
    ['an unknown space', '/drive/v3/files?spaces=everywhere', 'spaces'],
    ['a change token from the future', '/drive/v3/changes?spaces=appDataFolder&pageToken=999999', 'pageToken'],
  ])('answers 400 invalidParameter for %s', async (_label, path, location) => {
    const response = await kit.api(kit.tokenFor('user-400'), path);
    expect(response.status).toBe(400);
    expect(await response.json()).toMatchObject({ error: { code: 400, errors: [{ reason: 'invalidParameter', location }] } });
  });

  it('refuses read-only fields in a request body with 403 fieldNotWritable, and writes nothing', async () => {
    const sub = 'user-not-writable';
    const token = kit.tokenFor(sub);
    const response = await kit.api(token, '/drive/v3/files', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ name: 'x', parents: ['appDataFolder'], size: '12' }),
    });
    expect(response.status).toBe(403);
    expect(await response.json()).toMatchObject({ error: { errors: [{ reason: 'fieldNotWritable' }] } });
    expect(await (await kit.admin('GET', `/users/${sub}/files`)).json()).toEqual({ files: [] });
  });

  it.each([
    ['a read-only field Drive added lately', { sha256Checksum: 'x' }, 403, 'fieldNotWritable'],
    ['a writable field the sandbox does not model', { downloadRestrictions: {} }, 400, 'badRequest'],
  ])('refuses %s in a request body', async (_label, extra, status, reason) => {
    const response = await kit.api(kit.tokenFor('user-new-fields'), '/drive/v3/files', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ name: 'x', parents: ['appDataFolder'], ...extra }),
    });
    expect(response.status).toBe(status);
    expect(await response.json()).toMatchObject({ error: { errors: [{ reason }] } });
  });

  it('answers malformed JSON with 400 parseError and a broken multipart body with 400 badRequest', async () => {
    const token = kit.tokenFor('user-bad-bodies');
    const json = await kit.api(token, '/drive/v3/files', { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{' });
    expect(await json.json()).toMatchObject({ error: { code: 400, errors: [{ reason: 'parseError' }] } });
    const multipart = await kit.api(token, '/upload/drive/v3/files?uploadType=multipart', {
      method: 'POST',
      headers: { 'content-type': 'multipart/related; boundary=b' },
      body: '--b\r\ncontent-type: application/json\r\n\r\n{}\r\n--b--',
    });
    expect(multipart.status).toBe(400);
    expect(await multipart.json()).toMatchObject({ error: { errors: [{ reason: 'badRequest' }] } });
  });
});
