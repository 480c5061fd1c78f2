import { OAuth2Client } from 'google-auth-library';
import { type SandboxGoogle, startSandboxGoogle } from '../../../sandbox/src/server';
import { ANN, codeExchange, OTHER_CLIENT, postForm, refreshGrant, stringField, TestClock, WEB_CLIENT } from './sandbox-test-kit';

const SEVEN_DAYS = 7 * 24 * 3600;

describe('sandbox Google: POST /token, refresh_token grant', () => {
  const clock = new TestClock();
  let sandbox: SandboxGoogle;

  beforeAll(async () => {
    sandbox = await startSandboxGoogle({
      clients: [WEB_CLIENT, OTHER_CLIENT],
      now: clock.now,
      refreshTokenLifetimeSeconds: SEVEN_DAYS,
    });
  });
  afterAll(() => sandbox.close());
  beforeEach(() => sandbox.admin.reset());

  async function signIn(): Promise<{ refreshToken: string; accessToken: string }> {
    const { body } = await postForm(sandbox.endpoints.tokenUrl, codeExchange(sandbox.admin.mintCode(ANN).code));
    return { refreshToken: stringField(body, 'refresh_token'), accessToken: stringField(body, 'access_token') };
  }
  const refresh = (token: string, client = WEB_CLIENT) => postForm(sandbox.endpoints.tokenUrl, refreshGrant(token, client));

  it('answers with a new access token and ID token but no refresh token', async () => {
    const { refreshToken, accessToken } = await signIn();
    const { status, body } = await refresh(refreshToken);

    expect(status).toBe(200);
    expect(Object.keys(body)).toEqual(['access_token', 'expires_in', 'scope', 'token_type', 'id_token']);
    expect(body.access_token).not.toBe(accessToken);
    expect(sandbox.accessTokens.check(`Bearer ${stringField(body, 'access_token')}`).ok).toBe(true);
    expect(sandbox.admin.stats()).toMatchObject({ refreshes: 1, tokenRequestsByGrantType: { authorization_code: 1, refresh_token: 1 } });
  });

  it('rotates the refresh token on the next refresh when the admin asks, retiring the old one', async () => {
    const { refreshToken } = await signIn();
    sandbox.admin.rotateRefreshTokenOnNextRefresh(ANN.sub);

    const rotated = await refresh(refreshToken);
    const replacement = stringField(rotated.body, 'refresh_token');

    expect(replacement).not.toBe(refreshToken);
    expect(await refresh(refreshToken)).toMatchObject({ status: 400, body: { error: 'invalid_grant' } });
    const next = await refresh(replacement);
    expect(next.status).toBe(200);
    expect(next.body).not.toHaveProperty('refresh_token');
    expect(sandbox.admin.stats().refreshTokensRotated).toBe(1);
  });

  it('refuses an unknown refresh token with invalid_grant', async () => {
    expect(await refresh('1//0unknown')).toMatchObject({
      status: 400,
      body: { error: 'invalid_grant', error_description: 'Token has been expired or revoked.' },
    });
  });

  it('expires refresh tokens after the configured lifetime (an app in "Testing")', async () => {
    const { refreshToken } = await signIn();
    clock.advanceSeconds(SEVEN_DAYS - 1);
    expect((await refresh(refreshToken)).status).toBe(200);
    clock.advanceSeconds(1);
    expect(await refresh(refreshToken)).toMatchObject({ status: 400, body: { error: 'invalid_grant' } });
  });

  it('expires refresh tokens on admin request', async () => {
    const { refreshToken } = await signIn();
    expect(sandbox.admin.expireRefreshTokens(ANN.sub)).toEqual({ refreshTokens: 1 });
    expect(await refresh(refreshToken)).toMatchObject({ status: 400, body: { error: 'invalid_grant' } });
  });

  it('refuses a refresh token of a revoked grant, and its access tokens stop working', async () => {
    const { refreshToken, accessToken } = await signIn();
    expect(sandbox.admin.revokeGrant(ANN.sub)).toEqual({ grants: 1, accessTokens: 1 });
    expect(await refresh(refreshToken)).toMatchObject({ status: 400, body: { error: 'invalid_grant' } });
    expect(sandbox.accessTokens.check(`Bearer ${accessToken}`)).toEqual({ ok: false, reason: 'revoked' });
  });

  it('treats the next sign-in after a revoked grant as a first consent', async () => {
    await signIn();
    sandbox.admin.revokeGrant(ANN.sub, WEB_CLIENT.clientId);
    const { body } = await postForm(sandbox.endpoints.tokenUrl, codeExchange(sandbox.admin.mintCode(ANN).code));
    expect(body.refresh_token).toEqual(expect.any(String));
  });

  it("refuses another client's refresh token with unauthorized_client", async () => {
    const { refreshToken } = await signIn();
    expect(await refresh(refreshToken, OTHER_CLIENT)).toMatchObject({ status: 400, body: { error: 'unauthorized_client' } });
  });

  it('makes live access tokens look expired on admin request', async () => {
    const { accessToken } = await signIn();
    sandbox.admin.expireAccessTokens(ANN.sub);
    expect(sandbox.accessTokens.check(`Bearer ${accessToken}`)).toEqual({ ok: false, reason: 'expired' });
  });

  it('serves google-auth-library refreshAccessToken', async () => {
    const { refreshToken } = await signIn();
    const client = new OAuth2Client({
      clientId: WEB_CLIENT.clientId,
      clientSecret: WEB_CLIENT.clientSecret,
      endpoints: { oauth2TokenUrl: sandbox.endpoints.tokenUrl },
    });
    client.setCredentials({ refresh_token: refreshToken });
    const { token } = await client.getAccessToken();
    expect(token).toEqual(expect.stringMatching(/^ya29\./));
    expect(sandbox.admin.stats().refreshes).toBe(1);
  });
});
