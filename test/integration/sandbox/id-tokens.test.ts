import { createHash, createPublicKey, verify, X509Certificate } from 'node:crypto';
import { OAuth2Client } from 'google-auth-library';
import { type SandboxGoogle, startSandboxGoogle } from '../../../sandbox/src/server';
import { ANN, codeExchange, decodeJwt, getJson, IOS_CLIENT_ID, postForm, stringField, WEB_CLIENT } from './sandbox-test-kit';

describe('sandbox Google: ID tokens and certs', () => {
  let sandbox: SandboxGoogle;

  beforeAll(async () => {
    sandbox = await startSandboxGoogle({ clients: [WEB_CLIENT], certsMaxAgeSeconds: 1234 });
  });
  afterAll(() => sandbox.close());
  beforeEach(() => sandbox.admin.reset());

  /** A fresh verifier each time: google-auth-library caches certs for max-age. */
  const verifier = () =>
    new OAuth2Client({ clientId: WEB_CLIENT.clientId, endpoints: { oauth2FederatedSignonPemCertsUrl: sandbox.endpoints.pemCertsUrl } });
  const verifyWithLibrary = (idToken: string) => verifier().verifyIdToken({ idToken, audience: WEB_CLIENT.clientId });

  async function exchangeFor(mint: Parameters<SandboxGoogle['admin']['mintCode']>[0]): Promise<Record<string, unknown>> {
    return (await postForm(sandbox.endpoints.tokenUrl, codeExchange(sandbox.admin.mintCode(mint).code))).body;
  }

  it("passes google-auth-library's verifyIdToken against the PEM certs, with Google's claims", async () => {
    const body = await exchangeFor({ ...ANN, authorizedParty: IOS_CLIENT_ID, locale: 'de' });
    const ticket = await verifyWithLibrary(stringField(body, 'id_token'));
    const payload = ticket.getPayload();

    expect(payload).toMatchObject({
      iss: 'https://accounts.google.com',
      aud: WEB_CLIENT.clientId,
      azp: IOS_CLIENT_ID,
      sub: ANN.sub,
      email: ANN.email,
      email_verified: true,
      name: 'Ann Lee',
      given_name: 'Ann',
      family_name: 'Lee',
      picture: expect.stringMatching(/^https:\/\//),
      locale: 'de',
    });
    expect((payload?.exp ?? 0) - (payload?.iat ?? 0)).toBe(3600);
    const hash = createHash('sha256').update(stringField(body, 'access_token')).digest();
    expect(payload?.at_hash).toBe(hash.subarray(0, 16).toString('base64url'));
  });

  it('includes email claims only with the email scope and profile claims only with the profile scope', async () => {
    const emailOnly = await exchangeFor({ ...ANN, scopes: ['openid', 'email'], emailVerified: false });
    const payload = decodeJwt(stringField(emailOnly, 'id_token')).payload;
    expect(payload).toMatchObject({ email: ANN.email, email_verified: false });
    expect(payload).not.toHaveProperty('name');
    expect(payload).not.toHaveProperty('picture');
  });

  it('publishes X.509 certificates by kid, self-signed by the key that signs the tokens', async () => {
    const body = await exchangeFor(ANN);
    const { header } = decodeJwt(stringField(body, 'id_token'));
    const certs = await getJson(sandbox.endpoints.pemCertsUrl);

    expect(header).toMatchObject({ alg: 'RS256', typ: 'JWT', kid: expect.stringMatching(/^[0-9a-f]{40}$/) });
    expect(certs.headers.get('cache-control')).toMatch(/^public, max-age=1234\b/);
    const pem = certs.body[String(header.kid)];
    expect(pem).toEqual(expect.stringMatching(/^-----BEGIN CERTIFICATE-----\n/));
    const certificate = new X509Certificate(String(pem));
    expect(certificate.subject).toBe('CN=federated-signon.system.gserviceaccount.com');
    expect(certificate.verify(certificate.publicKey)).toBe(true);
    const [head = '', claims = '', signature = ''] = stringField(body, 'id_token').split('.');
    const signedInput = Buffer.from(`${head}.${claims}`);
    expect(verify('sha256', signedInput, certificate.publicKey, Buffer.from(signature, 'base64url'))).toBe(true);
  });

  it('publishes the same keys as a JWK set that verifies the signature', async () => {
    const idToken = stringField(await exchangeFor(ANN), 'id_token');
    const jwks = await getJson(sandbox.endpoints.jwkCertsUrl);
    const keys = jwks.body.keys as Record<string, string>[];
    const { header } = decodeJwt(idToken);
    const jwk = keys.find((key) => key.kid === header.kid);

    expect(jwks.headers.get('cache-control')).toMatch(/max-age=1234/);
    expect(jwk).toEqual({ kty: 'RSA', alg: 'RS256', use: 'sig', kid: header.kid, n: expect.any(String), e: 'AQAB' });
    const [head = '', claims = '', signature = ''] = idToken.split('.');
    const publicKey = createPublicKey({ key: { kty: 'RSA', n: jwk?.n, e: jwk?.e }, format: 'jwk' });
    expect(verify('sha256', Buffer.from(`${head}.${claims}`), publicKey, Buffer.from(signature, 'base64url'))).toBe(true);
  });

  it('rotates the signing key: new kid signs, the old key stays published until dropped', async () => {
    const before = stringField(await exchangeFor(ANN), 'id_token');
    const oldKid = sandbox.admin.signingKeys().current;

    const { kid: newKid } = await sandbox.admin.rotateSigningKey();
    const after = stringField(await exchangeFor({ ...ANN, forceConsent: true }), 'id_token');

    expect(newKid).not.toBe(oldKid);
    expect(decodeJwt(after).header.kid).toBe(newKid);
    expect(Object.keys((await getJson(sandbox.endpoints.pemCertsUrl)).body).sort()).toEqual([oldKid, newKid].sort());
    await expect(verifyWithLibrary(before)).resolves.toBeDefined();
    await expect(verifyWithLibrary(after)).resolves.toBeDefined();

    sandbox.admin.dropSigningKey(oldKid);
    expect(((await getJson(sandbox.endpoints.jwkCertsUrl)).body.keys as unknown[]).length).toBe(1);
    await expect(verifyWithLibrary(before)).rejects.toThrow(/No pem found/);
    expect(() => sandbox.admin.dropSigningKey(newKid)).toThrow(expect.objectContaining({ code: 'current_signing_key' }));
  });

  it('mints tokens to order: valid by default, and forged, expired or for someone else on request', async () => {
    const nowSeconds = Math.floor(Date.now() / 1000);
    const valid = await sandbox.admin.mintIdToken();
    const forged = await sandbox.admin.mintIdToken({ signWith: 'foreign' });
    const expired = await sandbox.admin.mintIdToken({ claims: { iat: nowSeconds - 7200, exp: nowSeconds - 3600 } });
    const wrongAudience = await sandbox.admin.mintIdToken({ claims: { aud: 'someone-else.apps.googleusercontent.com' } });
    const unknownKid = await sandbox.admin.mintIdToken({ kid: 'f'.repeat(40) });
    const noExp = await sandbox.admin.mintIdToken({ claims: { exp: null } });

    await expect(verifyWithLibrary(valid.idToken)).resolves.toBeDefined();
    await expect(verifyWithLibrary(forged.idToken)).rejects.toThrow(/Invalid token signature/);
    await expect(verifyWithLibrary(expired.idToken)).rejects.toThrow(/Token used too late/);
    await expect(verifyWithLibrary(wrongAudience.idToken)).rejects.toThrow(/Wrong recipient/);
    await expect(verifyWithLibrary(unknownKid.idToken)).rejects.toThrow(/No pem found/);
    await expect(verifyWithLibrary(noExp.idToken)).rejects.toThrow(/No expiration time/);
  });

  it('mints ID tokens over the HTTP admin API too', async () => {
    const { status, body } = await fetch(`${sandbox.url}/__admin/mint-id-token`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ claims: { sub: 'http-user' } }),
      signal: AbortSignal.timeout(5_000),
    }).then(async (response) => ({ status: response.status, body: (await response.json()) as { idToken: string } }));
    expect(status).toBe(200);
    const ticket = await verifyWithLibrary(body.idToken);
    expect(ticket.getUserId()).toBe('http-user');
  });
});
