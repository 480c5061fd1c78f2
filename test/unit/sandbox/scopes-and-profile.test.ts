import { grantedScopes, grantsIdToken } from '../../../sandbox/src/oauth/scopes';
import { completeProfile } from '../../../sandbox/src/oauth/user-profile';

describe('sandbox scopes', () => {
  it('answers with long forms, deduplicated, in the order asked', () => {
    expect(grantedScopes(['email', 'openid', 'https://www.googleapis.com/auth/userinfo.email', 'profile'])).toEqual([
      'https://www.googleapis.com/auth/userinfo.email',
      'openid',
      'https://www.googleapis.com/auth/userinfo.profile',
    ]);
  });

  it('grants an ID token for any OpenID Connect scope only', () => {
    expect(grantsIdToken(grantedScopes(['profile']))).toBe(true);
    expect(grantsIdToken(['https://www.googleapis.com/auth/drive.appdata'])).toBe(false);
  });
});

describe('completeProfile', () => {
  it('derives names from the email when none is given', () => {
    expect(completeProfile({ sub: '1', email: 'ann.lee@example.com' })).toMatchObject({
      name: 'Ann Lee',
      givenName: 'Ann',
      familyName: 'Lee',
      emailVerified: true,
      locale: 'en',
    });
  });

  it('keeps what the test said', () => {
    expect(completeProfile({ sub: '1', email: 'a@example.com', name: 'Zoë', emailVerified: false })).toMatchObject({
      name: 'Zoë',
      givenName: 'Zoë',
      familyName: '',
      emailVerified: false,
    });
  });
});
