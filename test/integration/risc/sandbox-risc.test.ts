import { compactVerify, createLocalJWKSet, decodeJwt, decodeProtectedHeader } from 'jose';
import type { SandboxGoogle } from '../../../sandbox/src/server';
import { startTestSandbox, TEST_CLIENT } from '../../support/sandbox';

/** The sandbox's side of Cross-Account Protection, as a receiver (and a curl-driven demo) sees it. */
describe('sandbox Google: RISC', () => {
  let sandbox: SandboxGoogle;
  beforeAll(async () => {
    sandbox = await startTestSandbox();
  });
  afterAll(() => sandbox.close());

  const getJson = async (url: string) => (await (await fetch(url)).json()) as Record<string, unknown>;
  const admin = (operation: string, body: unknown) =>
    fetch(`${sandbox.url}/__admin/risc/${operation}`, { method: 'POST', body: JSON.stringify(body) });

  it('publishes a discovery document whose jwks_uri verifies the events it signs', async () => {
    const config = await getJson(sandbox.endpoints.riscConfigUrl);
    expect(config).toMatchObject({ issuer: `${sandbox.url}/`, jwks_uri: `${sandbox.url}/risc/v1/jwks` });
    const response = await admin('mint-event', { event: 'account-disabled', sub: '42', reason: 'hijacking' });
    expect(response.status).toBe(200);
    const { token, jti } = (await response.json()) as { token: string; jti: string };
    const keys = createLocalJWKSet((await getJson(String(config.jwks_uri))) as never);
    await expect(compactVerify(token, keys, { algorithms: ['RS256'] })).resolves.toBeDefined();
    expect(decodeProtectedHeader(token)).toMatchObject({ alg: 'RS256' });
    const claims = decodeJwt(token);
    expect(claims).toMatchObject({ iss: `${sandbox.url}/`, aud: TEST_CLIENT.clientId, jti });
    expect(claims.exp).toBeUndefined();
    expect(claims.events).toEqual({
      'https://schemas.openid.net/secevent/risc/event-type/account-disabled': {
        subject: { subject_type: 'iss-sub', iss: `${sandbox.url}/`, sub: '42' },
        reason: 'hijacking',
      },
    });
  });

  it('a rotated key signs new events and is published beside the old one', async () => {
    const { kid } = (await (await admin('rotate-signing-key', {})).json()) as { kid: string };
    const { token } = await sandbox.risc.mintSecurityEvent({ event: 'verification', state: 's' });
    expect(decodeProtectedHeader(token).kid).toBe(kid);
    const jwks = (await getJson(`${sandbox.url}/risc/v1/jwks`)) as { keys: { kid: string }[] };
    expect(jwks.keys.map((key) => key.kid)).toContain(kid);
    expect(jwks.keys.length).toBeGreaterThan(1);
  });

  it('refuses bad admin input with a stable reason, and pushes only to loopback receivers', async () => {
    const missing = await admin('mint-event', { sub: '42' });
    expect(missing.status).toBe(400);
    expect(JSON.stringify(await missing.json())).toContain('invalid_argument');
    const outside = await admin('send-event', { event: 'verification', receiverUrl: 'http://203.0.113.7/risc' });
    expect(outside.status).toBe(400);
    const noToken = await admin('mint-event', { event: 'token-revoked', sub: 'nobody' });
    expect(noToken.status).toBe(404);
  });
});
