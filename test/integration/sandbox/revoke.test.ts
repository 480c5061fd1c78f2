import { OAuth2Client } from 'google-auth-library';
import { type SandboxGoogle, startSandboxGoogle } from '../../../sandbox/src/server';
import { ANN, codeExchange, postForm, refreshGrant, stringField, WEB_CLIENT } from './sandbox-test-kit';

describe('sandbox Google: POST /revoke', () => {
  let sandbox: SandboxGoogle;

  beforeAll(async () => {
    sandbox = await startSandboxGoogle({ clients: [WEB_CLIENT] });
  });
  afterAll(() => sandbox.close());
  beforeEach(() => sandbox.admin.reset());

  async function signIn(): Promise<{ refreshToken: string; accessToken: string }> {
    const { body } = await postForm(sandbox.endpoints.tokenUrl, codeExchange(sandbox.admin.mintCode(ANN).code));
    return { refreshToken: stringField(body, 'refresh_token'), accessToken: stringField(body, 'access_token') };
  }
  const refresh = (token: string) => postForm(sandbox.endpoints.tokenUrl, refreshGrant(token));
  const revoke = (token: string) => postForm(sandbox.endpoints.revokeUrl, { token });

  it('revokes a refresh token with its whole grant: refresh fails, access tokens die', async () => {
    const { refreshToken, accessToken } = await signIn();

    expect(await revoke(refreshToken)).toMatchObject({ status: 200, body: {} });

    expect(await refresh(refreshToken)).toMatchObject({ status: 400, body: { error: 'invalid_grant' } });
    expect(sandbox.accessTokens.check(`Bearer ${accessToken}`)).toEqual({ ok: false, reason: 'revoked' });
    expect(sandbox.admin.grants(ANN.sub)).toEqual([]);
  });

  it('answers a second revocation of the same token with 400 invalid_token', async () => {
    const { refreshToken } = await signIn();
    await revoke(refreshToken);
    expect(await revoke(refreshToken)).toMatchObject({
      status: 400,
      body: { error: 'invalid_token', error_description: 'Token expired or revoked' },
    });
  });

  it('revokes an access token given in the query, and (as Google documents) the refresh token behind it', async () => {
    const { refreshToken, accessToken } = await signIn();
    const url = new URL(sandbox.endpoints.revokeUrl);
    url.searchParams.set('token', accessToken);
    const response = await fetch(url, { method: 'POST', signal: AbortSignal.timeout(5_000) });

    expect(response.status).toBe(200);
    expect(sandbox.accessTokens.check(`Bearer ${accessToken}`)).toEqual({ ok: false, reason: 'revoked' });
    expect(await refresh(refreshToken)).toMatchObject({ status: 400, body: { error: 'invalid_grant' } });
  });

  it('answers an unknown token with invalid_token and a missing one with invalid_request', async () => {
    expect(await revoke('ya29.never-issued')).toMatchObject({ status: 400, body: { error: 'invalid_token' } });
    expect(await postForm(sandbox.endpoints.revokeUrl, {})).toMatchObject({ status: 400, body: { error: 'invalid_request' } });
  });

  it('serves google-auth-library revokeToken and counts what it did', async () => {
    const { refreshToken } = await signIn();
    const client = new OAuth2Client({ clientId: WEB_CLIENT.clientId, endpoints: { oauth2RevokeUrl: sandbox.endpoints.revokeUrl } });
    const result = await client.revokeToken(refreshToken);
    expect(result.status).toBe(200);
    await revoke(refreshToken);
    expect(sandbox.admin.stats()).toMatchObject({ revokeRequests: 2, revocations: 1 });
  });

  it('answers GET with 405 and an Allow header, in Google JSON error shape', async () => {
    const response = await fetch(sandbox.endpoints.revokeUrl, { signal: AbortSignal.timeout(5_000) });
    expect(response.status).toBe(405);
    expect(response.headers.get('allow')).toBe('POST');
    expect(await response.json()).toMatchObject({ error: { code: 405 } });
  });
});
