import type { FunctionUnderTest } from '../../support/function-process';
import { FULL_SCOPES, TEST_CLIENT, WEB_REDIRECT_URI } from '../../support/sandbox';
import { type LifecycleKit, startLifecycleKit } from '../lifecycle/lifecycle-kit';

/**
 * The exchange from every client platform (docs/clients.md), and the CORS rules of the functions
 * a browser calls (docs/api.md), over HTTP against the real function processes, the Firestore
 * emulator and the sandbox Google.
 */
const ANDROID_CLIENT = '123-android.apps.googleusercontent.com';
const IOS_CLIENT = '123-ios.apps.googleusercontent.com';
const WEB_ORIGIN = 'https://web.example.com';
const ALLOWED_HEADERS = 'Content-Type, X-Requested-With, X-Firebase-AppCheck, Authorization';

interface Reply {
  status: number;
  headers: Headers;
  json: { userId?: string; error?: { code: string; message: string } } | undefined;
}

describe('client platforms', () => {
  let kit: LifecycleKit;
  let exchange: FunctionUnderTest;
  let status: FunctionUnderTest;
  let disconnect: FunctionUnderTest;
  let nextSub = 5000;
  const newSub = () => String((nextSub += 1));

  beforeAll(async () => {
    const shared = {
      ALLOWED_AUTHORIZED_PARTIES: `${TEST_CLIENT.clientId},${IOS_CLIENT},${ANDROID_CLIENT}`,
      ALLOWED_ORIGINS: `${WEB_ORIGIN},http://127.0.0.1:8080`,
      ALLOWED_REDIRECT_URIS: `postmessage,${WEB_REDIRECT_URI}`,
    };
    kit = await startLifecycleKit('platforms', shared);
    [exchange, status, disconnect] = await Promise.all([kit.start('exchangeAuthCode'), kit.start('offlineStatus'), kit.start('disconnect')]);
  });
  afterAll(() => kit?.close());

  function mint(sub: string, overrides: Record<string, unknown> = {}): string {
    return kit.sandbox.admin.mintCode({ sub, email: `${sub}@example.com`, scopes: FULL_SCOPES, forceConsent: true, ...overrides }).code;
  }

  async function call(url: string, init: { method?: string; headers?: Record<string, string>; body?: string } = {}): Promise<Reply> {
    const response = await fetch(url, { method: init.method ?? 'POST', headers: init.headers ?? {}, ...(init.body === undefined ? {} : { body: init.body }) });
    const text = await response.text();
    return { status: response.status, headers: response.headers, json: text ? (JSON.parse(text) as Reply['json']) : undefined };
  }

  const post = (body: object, headers: Record<string, string> = {}) =>
    call(exchange.url, { headers: { 'content-type': 'application/json', 'x-requested-with': 'XmlHttpRequest', ...headers }, body: JSON.stringify(body) });

  function expectError(reply: Reply, httpStatus: number, code: string): void {
    expect({ status: reply.status, code: reply.json?.error?.code }).toEqual({ status: httpStatus, code });
    expect(typeof reply.json?.error?.message).toBe('string');
  }

  const tokenRequests = () => kit.sandbox.admin.stats().tokenRequests;

  describe('Android', () => {
    it('accepts an ID token whose azp is an Android client id listed in ALLOWED_AUTHORIZED_PARTIES', async () => {
      const sub = newSub();
      const reply = await post({ code: mint(sub, { authorizedParty: ANDROID_CLIENT }) }, { 'x-requested-with': 'com.example.android' });
      expect(reply.status).toBe(200);
      expect(reply.json?.userId).toBe(sub);
      expect((await kit.user(sub))?.status).toBe('active');
    });

    it('refuses one whose azp is an Android client id that is not listed; nothing stored', async () => {
      const sub = newSub();
      const reply = await post({ code: mint(sub, { authorizedParty: '999-unlisted-android.apps.googleusercontent.com' }) });
      expectError(reply, 401, 'invalid_id_token');
      expect(await kit.user(sub)).toBeUndefined();
    });
  });

  describe('web: the redirect URI', () => {
    it('exchanges a popup-mode code bound to postmessage with redirect_uri=postmessage', async () => {
      const sub = newSub();
      const reply = await post({ code: mint(sub, { redirectUri: 'postmessage' }), redirectUri: 'postmessage' }, { origin: WEB_ORIGIN });
      expect(reply.status).toBe(200);
      expect((await kit.user(sub))?.status).toBe('active');
    });

    it('exchanges a redirect-mode code with the registered redirect URI named in a form body', async () => {
      const sub = newSub();
      const body = new URLSearchParams({ code: mint(sub, { redirectUri: WEB_REDIRECT_URI }), redirectUri: WEB_REDIRECT_URI }).toString();
      const reply = await call(exchange.url, { headers: { 'content-type': 'application/x-www-form-urlencoded', 'x-requested-with': 'XmlHttpRequest' }, body });
      expect(reply.status).toBe(200);
    });

    it('uses GOOGLE_OAUTH_REDIRECT_URI (empty) without redirectUri: a postmessage-bound code is then refused by Google', async () => {
      const sub = newSub();
      expectError(await post({ code: mint(sub, { redirectUri: 'postmessage' }) }), 500, 'oauth_client_misconfigured');
      expect(await kit.user(sub)).toBeUndefined();
    });

    it.each([
      ['an unlisted URI', 'https://evil.example.com/callback'],
      ['a listed URI with another path', `${WEB_REDIRECT_URI}/more`],
      ['an empty string', ''],
    ])('400 redirect_uri_not_allowed for %s, before Google is asked; nothing stored', async (_name, redirectUri) => {
      const sub = newSub();
      const code = mint(sub, { redirectUri: WEB_REDIRECT_URI });
      const before = tokenRequests();
      expectError(await post({ code, redirectUri }), 400, 'redirect_uri_not_allowed');
      expect(tokenRequests()).toBe(before);
      expect(await kit.user(sub)).toBeUndefined();
      expect((await post({ code, redirectUri: WEB_REDIRECT_URI })).status).toBe(200);
    });

    it('400 invalid_request for a redirectUri that is not a string', async () => {
      expectError(await post({ code: mint(newSub()), redirectUri: ['postmessage'] }), 400, 'invalid_request');
    });
  });

  describe('CORS', () => {
    const preflight = (url: string, origin: string, method = 'POST') =>
      call(url, { method: 'OPTIONS', headers: { origin, 'access-control-request-method': method, 'access-control-request-headers': 'content-type,x-requested-with' } });

    function corsHeaders(headers: Headers): Record<string, string> {
      return Object.fromEntries([...headers].filter(([name]) => name.startsWith('access-control-') || name === 'vary'));
    }

    it.each([
      ['exchangeAuthCode', () => exchange.url, 'POST'],
      ['disconnect', () => disconnect.url, 'POST'],
      ['offlineStatus', () => status.url, 'GET'],
    ])('%s: a preflight from a listed origin gets 204 with exactly the CORS headers', async (_name, url, method) => {
      const reply = await preflight(url(), WEB_ORIGIN, method);
      expect(reply.status).toBe(204);
      expect(reply.json).toBeUndefined();
      expect(corsHeaders(reply.headers)).toEqual({
        'access-control-allow-origin': WEB_ORIGIN,
        'access-control-allow-methods': method,
        'access-control-allow-headers': ALLOWED_HEADERS,
        'access-control-max-age': expect.stringMatching(/^[1-9][0-9]*$/),
        vary: 'Origin',
      });
    });

    it.each([
      ['exchangeAuthCode', () => exchange.url],
      ['disconnect', () => disconnect.url],
      ['offlineStatus', () => status.url],
    ])('%s: 403 origin_not_allowed for a preflight from an unlisted origin, with no CORS grant', async (_name, url) => {
      for (const origin of ['https://evil.example.com', 'https://web.example.com.evil.example', 'null', 'http://web.example.com']) {
        const reply = await preflight(url(), origin);
        expectError(reply, 403, 'origin_not_allowed');
        expect(reply.headers.get('access-control-allow-origin')).toBeNull();
      }
    });

    it('403 origin_not_allowed for an exchange from an unlisted origin: no code exchange, nothing stored', async () => {
      const sub = newSub();
      const code = mint(sub, { redirectUri: 'postmessage' });
      const before = tokenRequests();
      const reply = await post({ code, redirectUri: 'postmessage' }, { origin: 'https://evil.example.com' });
      expectError(reply, 403, 'origin_not_allowed');
      expect(reply.headers.get('access-control-allow-origin')).toBeNull();
      expect(tokenRequests()).toBe(before);
      expect(await kit.user(sub)).toBeUndefined();
      // The code was not spent: the real page can still use it.
      expect((await post({ code, redirectUri: 'postmessage' }, { origin: WEB_ORIGIN })).status).toBe(200);
    });

    it('a listed origin reads the answer, errors included: Access-Control-Allow-Origin, Vary and Retry-After exposed', async () => {
      const ok = await post({ code: mint(newSub(), { redirectUri: 'postmessage' }), redirectUri: 'postmessage' }, { origin: WEB_ORIGIN });
      expect(ok.status).toBe(200);
      expect(corsHeaders(ok.headers)).toEqual({
        'access-control-allow-origin': WEB_ORIGIN,
        'access-control-expose-headers': 'Retry-After',
        vary: 'Origin',
      });
      const failed = await post({ code: '4/0Anever-minted' }, { origin: WEB_ORIGIN });
      expectError(failed, 400, 'invalid_grant');
      expect(failed.headers.get('access-control-allow-origin')).toBe(WEB_ORIGIN);
    });

    it('offlineStatus and disconnect refuse an unlisted origin before looking at the token; nothing changes', async () => {
      const sub = newSub();
      await kit.connect(sub);
      const authorization = `Bearer ${await kit.idToken(sub)}`;
      const evil = { origin: 'https://evil.example.com', authorization, 'x-requested-with': 'XmlHttpRequest' };
      expectError(await call(status.url, { method: 'GET', headers: evil }), 403, 'origin_not_allowed');
      expectError(await call(disconnect.url, { headers: evil }), 403, 'origin_not_allowed');
      expect((await kit.user(sub))?.status).toBe('active');
      const fromWeb = await call(status.url, { method: 'GET', headers: { origin: WEB_ORIGIN, authorization } });
      expect(fromWeb.status).toBe(200);
      expect(fromWeb.headers.get('access-control-allow-origin')).toBe(WEB_ORIGIN);
    });

    it('native apps send no Origin and are unaffected: no CORS headers, OPTIONS is still 405', async () => {
      const sub = newSub();
      const reply = await post({ code: mint(sub, { authorizedParty: IOS_CLIENT }) }, { 'x-requested-with': 'com.example.ios' });
      expect(reply.status).toBe(200);
      expect(corsHeaders(reply.headers)).toEqual({});
      const options = await call(exchange.url, { method: 'OPTIONS' });
      expectError(options, 405, 'method_not_allowed');
      const statusReply = await call(status.url, { method: 'GET', headers: { authorization: `Bearer ${await kit.idToken(sub)}` } });
      expect(statusReply.status).toBe(200);
      expect(corsHeaders(statusReply.headers)).toEqual({});
    });
  });
});
