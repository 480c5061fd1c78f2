import type { AuthorizationCode } from '../../../sandbox/src/oauth/codes';
import { CodeStore } from '../../../sandbox/src/oauth/codes';
import { GrantStore } from '../../../sandbox/src/oauth/grants';
import { completeProfile } from '../../../sandbox/src/oauth/user-profile';

const codeFor = (overrides: Partial<AuthorizationCode> = {}): AuthorizationCode => ({
  code: '4/0Aexample',
  clientId: 'web',
  redirectUri: '',
  authorizedParty: 'web',
  profile: completeProfile({ sub: 's1', email: 'ann@example.com' }),
  scopes: ['openid'],
  forceConsent: false,
  expiresAt: 0,
  ...overrides,
});

describe('GrantStore', () => {
  let now = 1_000_000;
  const store = () => new GrantStore(() => now, 60);

  it('issues refresh tokens on first consent, forced consent and new scopes only, and unions the scopes', () => {
    const grants = store();
    expect(grants.consent(codeFor()).refreshToken).toBeDefined();
    expect(grants.consent(codeFor()).refreshToken).toBeUndefined();
    expect(grants.consent(codeFor({ forceConsent: true })).refreshToken).toBeDefined();
    const widened = grants.consent(codeFor({ scopes: ['email-long-form'] }));
    expect(widened.refreshToken).toBeDefined();
    expect(widened.grant.scopes).toEqual(['openid', 'email-long-form']);
  });

  it('checks refresh tokens for client, expiry and revocation', () => {
    const grants = store();
    const token = grants.consent(codeFor()).refreshToken ?? '';
    expect(grants.checkRefreshToken(token, 'web').ok).toBe(true);
    expect(grants.checkRefreshToken(token, 'other')).toEqual({ ok: false, reason: 'wrong_client' });
    now += 60_000;
    expect(grants.checkRefreshToken(token, 'web')).toEqual({ ok: false, reason: 'expired' });
    grants.revoke('s1');
    expect(grants.checkRefreshToken(token, 'web')).toEqual({ ok: false, reason: 'revoked' });
    expect(grants.checkRefreshToken('1//0nope', 'web')).toEqual({ ok: false, reason: 'unknown' });
  });

  it('rotation retires the old token and clears the switch', () => {
    const grants = store();
    const { grant, refreshToken = '' } = grants.consent(codeFor());
    grants.setRotateNextRefresh('s1');
    const replacement = grants.rotate(grant, refreshToken);
    expect(grants.checkRefreshToken(refreshToken, 'web').ok).toBe(false);
    expect(grants.checkRefreshToken(replacement, 'web').ok).toBe(true);
    expect(grant.rotateNextRefresh).toBe(false);
  });
});

describe('CodeStore', () => {
  it('finds a code until it is used or expires, without using it on lookup', () => {
    let now = 0;
    const codes = new CodeStore(() => now);
    const { code: _code, expiresAt: _expiresAt, ...grant } = codeFor();
    const minted = codes.mint(grant, 10);
    expect(codes.lookup(minted.code).ok).toBe(true);
    expect(codes.lookup(minted.code).ok).toBe(true);
    codes.markUsed(minted.code);
    expect(codes.lookup(minted.code)).toEqual({ ok: false, reason: 'used' });
    const other = codes.mint(grant, 10);
    now = 10_000;
    expect(codes.lookup(other.code)).toEqual({ ok: false, reason: 'expired' });
    expect(codes.lookup('4/0Aunknown')).toEqual({ ok: false, reason: 'unknown' });
  });
});
