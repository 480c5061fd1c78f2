import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ConfigError, loadGoogleOAuthConfig } from '../../../functions/src/config';

const minimal = { GOOGLE_OAUTH_CLIENT_ID: 'web-client.apps.googleusercontent.com', GOOGLE_OAUTH_CLIENT_SECRET: 's3cret' };

function configError(env: Record<string, string>): ConfigError {
  try {
    loadGoogleOAuthConfig(env);
  } catch (error) {
    if (error instanceof ConfigError) return error;
    throw error;
  }
  throw new Error('expected a ConfigError');
}

describe('loadGoogleOAuthConfig', () => {
  it("defaults to Google's production endpoints, the client id as audience, and normalised scopes", () => {
    const config = loadGoogleOAuthConfig(minimal);
    expect(config.tokenUrl).toBe('https://oauth2.googleapis.com/token');
    expect(config.certsUrl).toBe('https://www.googleapis.com/oauth2/v1/certs');
    expect(config.revokeUrl).toBe('https://oauth2.googleapis.com/revoke');
    expect(config.allowedAudiences).toEqual([minimal.GOOGLE_OAUTH_CLIENT_ID]);
    expect(config.allowedAuthorizedParties).toEqual([]);
    expect(config.redirectUri).toBe('');
    expect(config.requiredScopes).toEqual([
      'openid',
      'https://www.googleapis.com/auth/userinfo.email',
      'https://www.googleapis.com/auth/userinfo.profile',
      'https://www.googleapis.com/auth/drive.appdata',
    ]);
  });

  it('parses comma- and space-separated lists', () => {
    const config = loadGoogleOAuthConfig({
      ...minimal,
      ALLOWED_AUDIENCES: 'a, b',
      ALLOWED_AUTHORIZED_PARTIES: 'ios.apps.googleusercontent.com',
      REQUIRED_SCOPES: 'openid  email',
    });
    expect(config.allowedAudiences).toEqual(['a', 'b']);
    expect(config.allowedAuthorizedParties).toEqual(['ios.apps.googleusercontent.com']);
    expect(config.requiredScopes).toEqual(['openid', 'https://www.googleapis.com/auth/userinfo.email']);
  });

  it('reads ALLOWED_REDIRECT_URIS: postmessage and absolute http(s) URIs, none by default', () => {
    expect(loadGoogleOAuthConfig(minimal).allowedRedirectUris).toEqual([]);
    const config = loadGoogleOAuthConfig({ ...minimal, ALLOWED_REDIRECT_URIS: 'postmessage, https://web.example.com/oauth/callback' });
    expect(config.allowedRedirectUris).toEqual(['postmessage', 'https://web.example.com/oauth/callback']);
  });

  it.each(['/oauth/callback', 'web.example.com/cb', 'https://web.example.com/cb#frag', 'javascript:alert(1)'])(
    'refuses the redirect URI %s, naming ALLOWED_REDIRECT_URIS',
    (value) => {
      expect(configError({ ...minimal, ALLOWED_REDIRECT_URIS: value }).variables).toEqual(['ALLOWED_REDIRECT_URIS']);
    },
  );

  it('names the missing client id', () => {
    const error = configError({ GOOGLE_OAUTH_CLIENT_SECRET: 'x' });
    expect(error.variables).toContain('GOOGLE_OAUTH_CLIENT_ID');
    expect(error.message).toMatch(/GOOGLE_OAUTH_CLIENT_ID is required/);
  });

  it('treats an empty value as missing', () => {
    expect(configError({ GOOGLE_OAUTH_CLIENT_ID: '  ', GOOGLE_OAUTH_CLIENT_SECRET: 'x' }).variables).toContain('GOOGLE_OAUTH_CLIENT_ID');
  });

  it('requires a client secret from one source, and not both', () => {
    expect(configError({ GOOGLE_OAUTH_CLIENT_ID: 'id' }).message).toMatch(/GOOGLE_OAUTH_CLIENT_SECRET or GOOGLE_OAUTH_CLIENT_SECRET_FILE is required/);
    expect(configError({ ...minimal, GOOGLE_OAUTH_CLIENT_SECRET_FILE: '/x.json' }).message).toMatch(/both set/);
  });

  it('names a bad URL and a bad number', () => {
    const error = configError({ ...minimal, GOOGLE_OAUTH_TOKEN_URL: 'not a url', GOOGLE_HTTP_TIMEOUT_MS: 'soon' });
    expect(error.variables).toEqual(expect.arrayContaining(['GOOGLE_OAUTH_TOKEN_URL', 'GOOGLE_HTTP_TIMEOUT_MS']));
  });

  describe('client_secret.json', () => {
    const dir = mkdtempSync(join(tmpdir(), 'client-secret-'));

    it('reads the secret of a web client as the console downloads it', () => {
      const path = join(dir, 'web.json');
      writeFileSync(path, JSON.stringify({ web: { client_id: 'id', client_secret: 'from-file', redirect_uris: [] } }));
      expect(loadGoogleOAuthConfig({ GOOGLE_OAUTH_CLIENT_ID: 'id', GOOGLE_OAUTH_CLIENT_SECRET_FILE: path }).clientSecret).toBe('from-file');
    });

    it('names the variable when the file is missing or has no secret, without quoting its contents', () => {
      const path = join(dir, 'bad.json');
      writeFileSync(path, JSON.stringify({ web: { client_id: 'id' }, other: 'do-not-echo' }));
      const missing = configError({ GOOGLE_OAUTH_CLIENT_ID: 'id', GOOGLE_OAUTH_CLIENT_SECRET_FILE: join(dir, 'absent.json') });
      const empty = configError({ GOOGLE_OAUTH_CLIENT_ID: 'id', GOOGLE_OAUTH_CLIENT_SECRET_FILE: path });
      expect(missing.variables).toEqual(['GOOGLE_OAUTH_CLIENT_SECRET_FILE']);
      expect(empty.message).toMatch(/no web.client_secret/);
      expect(empty.message).not.toContain('do-not-echo');
    });
  });
});
