import { type SandboxGoogle, startSandboxGoogle } from '../../../sandbox/src/server';
import { ANN, codeExchange, getJson, OTHER_CLIENT, postForm, postJson, stringField, WEB_CLIENT } from './sandbox-test-kit';

describe('sandbox Google: HTTP admin API and routing', () => {
  let sandbox: SandboxGoogle;
  const admin = (operation: string) => `${sandbox.url}/__admin/${operation}`;

  beforeAll(async () => {
    sandbox = await startSandboxGoogle({ clients: [WEB_CLIENT, OTHER_CLIENT] });
  });
  afterAll(() => sandbox.close());
  beforeEach(() => sandbox.admin.reset());

  it('mints a code over HTTP that the token endpoint accepts, then revokes the grant', async () => {
    const minted = await postJson(admin('mint-code'), { ...ANN, clientId: OTHER_CLIENT.clientId });
    expect(minted.status).toBe(200);
    const exchanged = await postForm(sandbox.endpoints.tokenUrl, codeExchange(stringField(minted.body, 'code'), OTHER_CLIENT));
    expect(exchanged.status).toBe(200);

    const grants = await getJson(`${admin('grants')}?sub=${ANN.sub}`);
    expect(grants.body).toEqual([expect.objectContaining({ clientId: OTHER_CLIENT.clientId, activeRefreshTokens: 1 })]);

    expect(await postJson(admin('revoke-grant'), { sub: ANN.sub })).toMatchObject({ status: 200, body: { grants: 1, accessTokens: 1 } });
    expect((await getJson(admin('stats'))).body).toMatchObject({ codeExchanges: 1 });
  });

  it('sets the lifetime of access tokens issued from then on, until a reset', async () => {
    const exchange = async () => {
      const minted = await postJson(admin('mint-code'), { ...ANN, forceConsent: true });
      return (await postForm(sandbox.endpoints.tokenUrl, codeExchange(stringField(minted.body, 'code')))).body;
    };
    expect(await exchange()).toMatchObject({ expires_in: 3600 });
    expect(await postJson(admin('set-access-token-lifetime'), { seconds: 240 })).toMatchObject({ status: 200 });
    const short = await exchange();
    expect(short).toMatchObject({ expires_in: 240 });
    const issued = sandbox.accessTokens.lookup(stringField(short, 'access_token'))!;
    expect(issued.expiresAt - Date.now()).toBeLessThanOrEqual(240_000);
    expect(await postJson(admin('set-access-token-lifetime'), { seconds: 0 })).toMatchObject({ status: 400, body: { error: { errors: [{ reason: 'invalid_argument' }] } } });
    sandbox.admin.reset();
    expect(await exchange()).toMatchObject({ expires_in: 3600 });
  });

  it('rotates and lists signing keys over HTTP', async () => {
    const before = await getJson(admin('signing-keys'));
    const rotated = await postJson(admin('rotate-signing-key'), {});
    const after = await getJson(admin('signing-keys'));
    expect(after.body).toEqual({ current: rotated.body.kid, published: [before.body.current, rotated.body.kid] });
    expect(await postJson(admin('drop-signing-key'), { kid: before.body.current })).toMatchObject({ status: 200 });
    expect(await postJson(admin('drop-signing-key'), { kid: 'nope' })).toMatchObject({
      status: 400,
      body: { error: { errors: [{ reason: 'unknown_kid' }] } },
    });
  });

  it.each([
    ['an unknown client', { ...ANN, clientId: 'nobody' }, 'unknown_client'],
    ['an unregistered redirect URI', { ...ANN, redirectUri: 'https://evil.example.com/cb' }, 'redirect_uri_not_registered'],
    ['a missing sub', { email: 'x@example.com', scopes: [] }, 'invalid_argument'],
    ['an unknown field', { ...ANN, colour: 'blue' }, 'invalid_argument'],
  ])('refuses to mint a code for %s with a stable reason', async (_case, body, reason) => {
    expect(await postJson(admin('mint-code'), body)).toMatchObject({ status: 400, body: { error: { code: 400, errors: [{ reason }] } } });
  });

  it('refuses a body that is not JSON', async () => {
    const response = await fetch(admin('mint-code'), { method: 'POST', body: '{not json', signal: AbortSignal.timeout(5_000) });
    expect(response.status).toBe(400);
  });

  it('answers 404 when asked to rotate the refresh token of a user with no grant', async () => {
    expect(await postJson(admin('rotate-refresh-token-on-next-refresh'), { sub: 'nobody' })).toMatchObject({ status: 404 });
  });

  it("answers an unknown route with 404 in Google's JSON error shape", async () => {
    const { status, body } = await getJson(`${sandbox.url}/no/such/thing`);
    expect(status).toBe(404);
    expect(body).toEqual({
      error: {
        code: 404,
        message: 'The requested URL /no/such/thing was not found on this server.',
        errors: [{ message: 'The requested URL /no/such/thing was not found on this server.', domain: 'global', reason: 'notFound' }],
        status: 'NOT_FOUND',
      },
    });
  });
});
