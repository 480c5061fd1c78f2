import { APPEND, EDIT_APP_CREATED, errorOf, PICKER, type PhotosKit, READ_APP_CREATED, startPhotosKit } from './photos-test-kit';

/** Bearer checks and scopes on every Photos route, in Google's newer JSON error shape. */
describe('sandbox Photos: authentication and scopes', () => {
  let kit: PhotosKit;
  beforeAll(async () => {
    kit = await startPhotosKit();
  });
  afterAll(() => kit.close());
  beforeEach(() => kit.sandbox.admin.reset());

  const errorInfo = (reason: string, service: string) => ({
    '@type': 'type.googleapis.com/google.rpc.ErrorInfo',
    reason,
    domain: 'googleapis.com',
    metadata: { service, method: expect.any(String) },
  });

  it('answers a call without a token with 401 UNAUTHENTICATED and CREDENTIALS_MISSING', async () => {
    const answer = await kit.call('picker', undefined, 'POST', '/v1/sessions', {});
    expect(answer.status).toBe(401);
    expect(answer.headers.get('www-authenticate')).toMatch(/^Bearer /);
    expect(errorOf(answer)).toEqual({
      code: 401,
      message: expect.stringMatching(/^Request is missing required authentication credential\./),
      status: 'UNAUTHENTICATED',
      details: [errorInfo('CREDENTIALS_MISSING', 'photospicker.googleapis.com')],
    });
  });

  it.each([
    ['expired', (sub: string) => {
      const token = kit.tokenFor(sub);
      kit.sandbox.accessTokens.expireAllFor(sub);
      return token;
    }, 'ACCESS_TOKEN_EXPIRED'],
    ['revoked', (sub: string) => {
      const token = kit.tokenFor(sub);
      kit.sandbox.accessTokens.revoke(token);
      return token;
    }, 'ACCESS_TOKEN_INVALID'],
    ['unknown', () => 'ya29.never-issued-secret-looking', 'ACCESS_TOKEN_INVALID'],
  ])('answers a token that is %s with 401 UNAUTHENTICATED, never echoing it', async (label, makeToken, reason) => {
    const token = makeToken(`user-${label}`);
    for (const [api, method, path] of [['picker', 'GET', '/v1/sessions/x'], ['library', 'POST', '/v1/mediaItems:batchCreate']] as const) {
      const answer = await kit.call(api, token, method, path, method === 'POST' ? {} : undefined);
      expect(answer.status).toBe(401);
      expect(errorOf(answer)).toMatchObject({ code: 401, status: 'UNAUTHENTICATED', details: [{ reason }] });
      expect(answer.bytes.toString('utf8')).not.toContain(token);
    }
  });

  it.each([
    ['sessions.create without the Picker scope', 'picker', 'POST', '/v1/sessions', [APPEND, READ_APP_CREATED]],
    ['mediaItems.list without the Picker scope', 'picker', 'GET', '/v1/mediaItems?sessionId=x', [READ_APP_CREATED]],
    ['uploads with read-only scopes', 'library', 'POST', '/v1/uploads', [PICKER, READ_APP_CREATED]],
    ['albums.create with the edit scope only', 'library', 'POST', '/v1/albums', [EDIT_APP_CREATED]],
    ['batchCreate with the Picker scope only', 'library', 'POST', '/v1/mediaItems:batchCreate', [PICKER]],
    ['albums.list with appendonly only', 'library', 'GET', '/v1/albums', [APPEND]],
    ['search with appendonly only', 'library', 'POST', '/v1/mediaItems:search', [APPEND]],
  ] as const)('answers %s with 403 ACCESS_TOKEN_SCOPE_INSUFFICIENT', async (_case, api, method, path, scopes) => {
    const answer = await kit.call(api, kit.tokenFor('ann', scopes), method, path, method === 'POST' ? {} : undefined);
    expect(answer.status).toBe(403);
    expect(answer.headers.get('www-authenticate')).toContain('insufficient_scope');
    expect(errorOf(answer)).toEqual({
      code: 403,
      message: 'Request had insufficient authentication scopes.',
      status: 'PERMISSION_DENIED',
      details: [errorInfo('ACCESS_TOKEN_SCOPE_INSUFFICIENT', api === 'picker' ? 'photospicker.googleapis.com' : 'photoslibrary.googleapis.com')],
    });
  });

  it('lets either app-created-data scope read albums', async () => {
    for (const scope of [READ_APP_CREATED, EDIT_APP_CREATED]) {
      expect((await kit.call('library', kit.tokenFor('ann', [scope]), 'GET', '/v1/albums')).status).toBe(200);
    }
  });
});
