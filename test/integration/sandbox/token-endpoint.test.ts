import { OAuth2Client } from 'google-auth-library';
import { type SandboxGoogle, startSandboxGoogle } from '../../../sandbox/src/server';
import {
  ANN,
  codeExchange,
  decodeJwt,
  IOS_CLIENT_ID,
  OTHER_CLIENT,
  postForm,
  stringField,
  TestClock,
  WEB_CLIENT,
} from './sandbox-test-kit';

describe('sandbox Google: POST /token, authorization_code grant', () => {
  const clock = new TestClock();
  let sandbox: SandboxGoogle;

  beforeAll(async () => {
    sandbox = await startSandboxGoogle({ clients: [WEB_CLIENT, OTHER_CLIENT], now: clock.now });
  });
  afterAll(() => sandbox.close());
  beforeEach(() => sandbox.admin.reset());

  const exchange = (code: string, redirectUri?: string) => postForm(sandbox.endpoints.tokenUrl, codeExchange(code, WEB_CLIENT, redirectUri));

  it('answers a first consent with access, refresh and ID tokens and long-form scopes', async () => {
    const { code } = sandbox.admin.mintCode(ANN);
    expect(code).toMatch(/^4\/0A[A-Za-z0-9_-]{60,}$/);

    const { status, headers, body } = await exchange(code);

    expect(status).toBe(200);
    expect(headers.get('cache-control')).toBe('no-store');
    expect(Object.keys(body)).toEqual(['access_token', 'expires_in', 'refresh_token', 'scope', 'token_type', 'id_token']);
    expect(body).toMatchObject({ expires_in: 3600, token_type: 'Bearer' });
    expect(stringField(body, 'refresh_token')).toMatch(/^1\/\/0[A-Za-z0-9_-]+$/);
    expect(stringField(body, 'scope').split(' ')).toEqual([
      'openid',
      'https://www.googleapis.com/auth/userinfo.email',
      'https://www.googleapis.com/auth/userinfo.profile',
      'https://www.googleapis.com/auth/drive.appdata',
    ]);
    const { payload } = decodeJwt(stringField(body, 'id_token'));
    expect(payload).toMatchObject({ sub: ANN.sub, email: ANN.email, aud: WEB_CLIENT.clientId, azp: WEB_CLIENT.clientId });
  });

  it('registers the access token so Bearer checks (Drive) accept it with the granted scopes', async () => {
    const { body } = await exchange(sandbox.admin.mintCode(ANN).code);
    const check = sandbox.accessTokens.check(`Bearer ${stringField(body, 'access_token')}`);
    expect(check.ok && check.grant).toMatchObject({ sub: ANN.sub, clientId: WEB_CLIENT.clientId });
    expect(check.ok && check.grant.scopes).toContain('https://www.googleapis.com/auth/drive.appdata');
    clock.advanceSeconds(3600);
    expect(sandbox.accessTokens.check(`Bearer ${stringField(body, 'access_token')}`)).toEqual({ ok: false, reason: 'expired' });
  });

  it('returns a refresh token only on first consent, again when consent is forced or new scopes are asked for', async () => {
    const first = await exchange(sandbox.admin.mintCode(ANN).code);
    const again = await exchange(sandbox.admin.mintCode(ANN).code);
    const forced = await exchange(sandbox.admin.mintCode({ ...ANN, forceConsent: true }).code);
    const moreScopes = await exchange(
      sandbox.admin.mintCode({ ...ANN, scopes: [...ANN.scopes, 'https://www.googleapis.com/auth/drive.file'] }).code,
    );

    expect(first.body.refresh_token).toEqual(expect.any(String));
    expect(again.status).toBe(200);
    expect(again.body).not.toHaveProperty('refresh_token');
    expect(again.body.access_token).toEqual(expect.any(String));
    expect(forced.body.refresh_token).toEqual(expect.any(String));
    expect(forced.body.refresh_token).not.toBe(first.body.refresh_token);
    expect(moreScopes.body.refresh_token).toEqual(expect.any(String));
    expect(sandbox.admin.grants(ANN.sub)).toEqual([
      expect.objectContaining({ clientId: WEB_CLIENT.clientId, activeRefreshTokens: 3 }),
    ]);
  });

  it('omits the ID token when no OpenID Connect scope was granted', async () => {
    const { body } = await exchange(sandbox.admin.mintCode({ ...ANN, scopes: ['https://www.googleapis.com/auth/drive.appdata'] }).code);
    expect(body).not.toHaveProperty('id_token');
    expect(body.scope).toBe('https://www.googleapis.com/auth/drive.appdata');
  });

  it('puts the authorized party (the iOS client) in azp and the exchanging client in aud', async () => {
    const { body } = await exchange(sandbox.admin.mintCode({ ...ANN, authorizedParty: IOS_CLIENT_ID }).code);
    expect(decodeJwt(stringField(body, 'id_token')).payload).toMatchObject({ aud: WEB_CLIENT.clientId, azp: IOS_CLIENT_ID });
  });

  it('refuses a code used twice with invalid_grant, Google words and all', async () => {
    const { code } = sandbox.admin.mintCode(ANN);
    expect((await exchange(code)).status).toBe(200);
    expect(await exchange(code)).toMatchObject({ status: 400, body: { error: 'invalid_grant', error_description: 'Bad Request' } });
  });

  it('lets a code expire after its lifetime (10 minutes)', async () => {
    const early = sandbox.admin.mintCode(ANN).code;
    const late = sandbox.admin.mintCode(ANN).code;
    clock.advanceSeconds(599);
    expect((await exchange(early)).status).toBe(200);
    clock.advanceSeconds(1);
    expect(await exchange(late)).toMatchObject({ status: 400, body: { error: 'invalid_grant' } });
  });

  it('refuses an unknown code, and one minted for another client, with invalid_grant', async () => {
    expect(await exchange('4/0Anever-minted')).toMatchObject({ status: 400, body: { error: 'invalid_grant' } });
    const { code } = sandbox.admin.mintCode({ ...ANN, clientId: OTHER_CLIENT.clientId });
    expect(await exchange(code)).toMatchObject({ status: 400, body: { error: 'invalid_grant' } });
  });

  it('binds the code to its redirect URI; a refused attempt leaves the code usable', async () => {
    const redirect = 'https://app.example.com/oauth2callback';
    const withRedirect = sandbox.admin.mintCode({ ...ANN, redirectUri: redirect }).code;
    const withoutRedirect = sandbox.admin.mintCode(ANN).code;
    const mismatch = { status: 400, body: { error: 'redirect_uri_mismatch', error_description: 'Bad Request' } };

    expect(await exchange(withRedirect)).toMatchObject(mismatch);
    expect(await exchange(withRedirect, 'https://evil.example.com/cb')).toMatchObject(mismatch);
    expect(await exchange(withoutRedirect, redirect)).toMatchObject(mismatch);
    expect((await exchange(withRedirect, redirect)).status).toBe(200);
    expect((await exchange(withoutRedirect)).status).toBe(200);
  });

  it("exchanges a server auth code with redirect_uri=postmessage, the default of Google's server-side sample", async () => {
    // oauth2client.client.credentials_from_clientsecrets_and_code sends redirect_uri=postmessage unless told otherwise.
    expect(await exchange(sandbox.admin.mintCode(ANN).code, 'postmessage')).toMatchObject({ status: 200, body: { refresh_token: expect.any(String) } });

    const redirect = 'https://app.example.com/oauth2callback';
    const withRedirect = sandbox.admin.mintCode({ ...ANN, redirectUri: redirect }).code;
    expect(await exchange(withRedirect, 'postmessage')).toMatchObject({ status: 400, body: { error: 'redirect_uri_mismatch' } });
  });

  it('binds a popup-mode code (Google Identity Services) to postmessage, which needs no registration', async () => {
    // OTHER_CLIENT registers no redirect URI: a web page's popup flow is checked against its JavaScript origins instead.
    const { code } = sandbox.admin.mintCode({ ...ANN, clientId: OTHER_CLIENT.clientId, redirectUri: 'postmessage' });
    const exchangeAsOther = (redirectUri?: string) => postForm(sandbox.endpoints.tokenUrl, codeExchange(code, OTHER_CLIENT, redirectUri));
    expect(await exchangeAsOther()).toMatchObject({ status: 400, body: { error: 'redirect_uri_mismatch' } });
    expect(await exchangeAsOther('https://app.example.com/oauth2callback')).toMatchObject({ status: 400, body: { error: 'redirect_uri_mismatch' } });
    expect((await exchangeAsOther('postmessage')).status).toBe(200);
  });

  it('rejects a wrong secret and an unknown client with 401 invalid_client', async () => {
    const { code } = sandbox.admin.mintCode(ANN);
    expect(await postForm(sandbox.endpoints.tokenUrl, { ...codeExchange(code), client_secret: 'wrong' })).toMatchObject({
      status: 401,
      body: { error: 'invalid_client', error_description: 'Unauthorized' },
    });
    expect(await postForm(sandbox.endpoints.tokenUrl, { ...codeExchange(code), client_id: 'nobody' })).toMatchObject({
      status: 401,
      body: { error: 'invalid_client', error_description: 'The OAuth client was not found.' },
    });
    expect((await exchange(code)).status).toBe(200);
  });

  it.each([
    ['code', 'Missing required parameter: code'],
    ['grant_type', 'Missing required parameter: grant_type'],
    ['client_secret', 'client_secret is missing.'],
    ['client_id', 'Could not determine client ID from request.'],
  ])('answers a request without %s with 400 invalid_request', async (missing, description) => {
    const form = codeExchange(sandbox.admin.mintCode(ANN).code);
    delete form[missing];
    expect(await postForm(sandbox.endpoints.tokenUrl, form)).toMatchObject({
      status: 400,
      body: { error: 'invalid_request', error_description: description },
    });
  });

  it('answers an unknown grant type with unsupported_grant_type', async () => {
    const form = { ...codeExchange(sandbox.admin.mintCode(ANN).code), grant_type: 'password' };
    expect(await postForm(sandbox.endpoints.tokenUrl, form)).toMatchObject({
      status: 400,
      body: { error: 'unsupported_grant_type', error_description: 'Invalid grant_type: password' },
    });
  });

  it('refuses a body that is not form-encoded', async () => {
    const response = await fetch(sandbox.endpoints.tokenUrl, {
      method: 'POST',
      headers: { 'content-type': 'text/plain' },
      body: 'grant_type=authorization_code',
      signal: AbortSignal.timeout(5_000),
    });
    expect(response.status).toBe(400);
    expect(await response.json()).toMatchObject({ error: 'invalid_request' });
  });

  it('accepts client credentials by HTTP Basic, and refuses a form client_id that disagrees', async () => {
    const basic = `Basic ${Buffer.from(`${WEB_CLIENT.clientId}:${WEB_CLIENT.clientSecret}`).toString('base64')}`;
    const { code } = sandbox.admin.mintCode(ANN);
    const disagreeing = { grant_type: 'authorization_code', code, client_id: OTHER_CLIENT.clientId };
    expect(await postForm(sandbox.endpoints.tokenUrl, disagreeing, { authorization: basic })).toMatchObject({
      status: 400,
      body: { error: 'invalid_request' },
    });
    const viaBasic = await postForm(sandbox.endpoints.tokenUrl, { grant_type: 'authorization_code', code }, { authorization: basic });
    expect(viaBasic.status).toBe(200);
  });

  it('serves google-auth-library getToken with an empty redirect URI (the iOS server auth code case)', async () => {
    const client = new OAuth2Client({
      clientId: WEB_CLIENT.clientId,
      clientSecret: WEB_CLIENT.clientSecret,
      endpoints: { oauth2TokenUrl: sandbox.endpoints.tokenUrl },
    });
    const { tokens } = await client.getToken({ code: sandbox.admin.mintCode(ANN).code, redirect_uri: '' });
    expect(tokens).toMatchObject({ token_type: 'Bearer', refresh_token: expect.any(String), id_token: expect.any(String) });

    const reused = client.getToken({ code: 'not-a-code', redirect_uri: '' });
    await expect(reused).rejects.toMatchObject({ status: 400, response: { data: { error: 'invalid_grant' } } });
  });

  it('counts token requests by grant type, successful or not', async () => {
    const { code } = sandbox.admin.mintCode(ANN);
    await exchange(code);
    await exchange(code);
    await postForm(sandbox.endpoints.tokenUrl, { client_id: WEB_CLIENT.clientId });
    expect(sandbox.admin.stats()).toMatchObject({
      tokenRequests: 3,
      tokenRequestsByGrantType: { authorization_code: 2, '(none)': 1 },
      codeExchanges: 1,
    });
  });
});
