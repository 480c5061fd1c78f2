import { ConfigError } from '../../../functions/src/config';
import { loadIdentityConfig } from '../../../functions/src/config/google-identity-config';

describe('loadIdentityConfig', () => {
  const CLIENT = 'web.apps.googleusercontent.com';

  it("needs no client secret and defaults to Google's endpoints and the client as audience", () => {
    const config = loadIdentityConfig({ GOOGLE_OAUTH_CLIENT_ID: CLIENT });
    expect(config).toEqual({
      clientId: CLIENT,
      allowedAudiences: [CLIENT],
      allowedAuthorizedParties: [],
      requiredScopes: [
        'openid',
        'https://www.googleapis.com/auth/userinfo.email',
        'https://www.googleapis.com/auth/userinfo.profile',
        'https://www.googleapis.com/auth/drive.appdata',
      ],
      certsUrl: 'https://www.googleapis.com/oauth2/v1/certs',
      revokeUrl: 'https://oauth2.googleapis.com/revoke',
      httpTimeoutMs: 10_000,
      maxAttempts: 3,
    });
  });

  it('reads the same variables as the exchange', () => {
    const config = loadIdentityConfig({
      GOOGLE_OAUTH_CLIENT_ID: CLIENT,
      ALLOWED_AUDIENCES: 'a, b',
      ALLOWED_AUTHORIZED_PARTIES: 'ios',
      REQUIRED_SCOPES: 'openid email',
      GOOGLE_OAUTH_REVOKE_URL: 'http://127.0.0.1:9/revoke',
      GOOGLE_HTTP_MAX_ATTEMPTS: '5',
    });
    expect(config).toMatchObject({
      allowedAudiences: ['a', 'b'],
      allowedAuthorizedParties: ['ios'],
      requiredScopes: ['openid', 'https://www.googleapis.com/auth/userinfo.email'],
      revokeUrl: 'http://127.0.0.1:9/revoke',
      maxAttempts: 5,
    });
  });

  it('names the variable that is missing or wrong', () => {
    expect(() => loadIdentityConfig({})).toThrow(ConfigError);
    expect(() => loadIdentityConfig({})).toThrow(/GOOGLE_OAUTH_CLIENT_ID/);
    expect(() => loadIdentityConfig({ GOOGLE_OAUTH_CLIENT_ID: CLIENT, GOOGLE_OAUTH_REVOKE_URL: 'not a url' })).toThrow(/GOOGLE_OAUTH_REVOKE_URL/);
  });
});
