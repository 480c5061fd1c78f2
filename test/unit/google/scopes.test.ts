import { missingScopes, parseScopeString } from '../../../functions/src/google/scopes';

describe('scopes', () => {
  it('normalises the short sign-in aliases Google expands in its answer', () => {
    expect(parseScopeString('email openid https://www.googleapis.com/auth/userinfo.profile')).toEqual([
      'https://www.googleapis.com/auth/userinfo.email',
      'https://www.googleapis.com/auth/userinfo.profile',
      'openid',
    ]);
  });

  it('names exactly the required scopes that were not granted', () => {
    const granted = parseScopeString('openid https://www.googleapis.com/auth/userinfo.email');
    expect(missingScopes(['openid', 'email', 'profile', 'https://www.googleapis.com/auth/drive.appdata'], granted)).toEqual([
      'https://www.googleapis.com/auth/userinfo.profile',
      'https://www.googleapis.com/auth/drive.appdata',
    ]);
  });
});
