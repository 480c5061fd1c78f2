import { randomBytes } from 'node:crypto';
import type { AuthorizationCode } from './codes';
import type { UserProfile } from './user-profile';

/** What one user has granted one client: Google's record behind "Third-party apps with account access". */
export interface Grant {
  readonly sub: string;
  readonly clientId: string;
  /** Union of every scope consented to, long forms. */
  scopes: string[];
  profile: UserProfile;
  authorizedParty: string;
  readonly refreshTokens: Set<string>;
  /** Admin switch: the next refresh answers with a new refresh token and retires the old one. */
  rotateNextRefresh: boolean;
}

interface RefreshTokenRecord {
  readonly token: string;
  readonly sub: string;
  readonly clientId: string;
  /** Epoch milliseconds; undefined = does not expire (a published app's tokens). */
  expiresAt: number | undefined;
  revoked: boolean;
}

export type RefreshTokenCheck =
  | { ok: true; grant: Grant }
  | { ok: false; reason: 'unknown' | 'revoked' | 'expired' | 'wrong_client' };

export interface GrantSnapshot {
  sub: string;
  clientId: string;
  scopes: string[];
  activeRefreshTokens: number;
  rotateNextRefresh: boolean;
}

/** Google's refresh tokens start `1//0`; the rest is URL-safe. */
function newRefreshToken(): string {
  return `1//0${randomBytes(72).toString('base64url')}`;
}

const grantKey = (sub: string, clientId: string): string => `${sub}\u0000${clientId}`;

export class GrantStore {
  private readonly grants = new Map<string, Grant>();
  private readonly refreshTokens = new Map<string, RefreshTokenRecord>();

  constructor(
    private readonly now: () => number,
    private readonly refreshTokenLifetimeSeconds: number | undefined,
  ) {}

  /**
   * Records the consent behind a code. Google shows the consent screen, and so issues a refresh
   * token, on a user's first grant to a client, when the app forces consent, or when new scopes are
   * asked for; otherwise the answer carries no refresh token.
   */
  consent(code: AuthorizationCode): { grant: Grant; refreshToken: string | undefined } {
    const key = grantKey(code.profile.sub, code.clientId);
    const existing = this.grants.get(key);
    const asksForNewScopes = existing !== undefined && code.scopes.some((scope) => !existing.scopes.includes(scope));
    const grant: Grant = existing ?? {
      sub: code.profile.sub,
      clientId: code.clientId,
      scopes: [],
      profile: code.profile,
      authorizedParty: code.authorizedParty,
      refreshTokens: new Set(),
      rotateNextRefresh: false,
    };
    grant.scopes = [...new Set([...grant.scopes, ...code.scopes])];
    grant.profile = code.profile;
    grant.authorizedParty = code.authorizedParty;
    this.grants.set(key, grant);
    const consentScreenShown = existing === undefined || code.forceConsent || asksForNewScopes;
    return { grant, refreshToken: consentScreenShown ? this.issueRefreshToken(grant) : undefined };
  }

  checkRefreshToken(token: string, clientId: string): RefreshTokenCheck {
    const record = this.refreshTokens.get(token);
    if (!record) return { ok: false, reason: 'unknown' };
    if (record.revoked) return { ok: false, reason: 'revoked' };
    if (record.expiresAt !== undefined && record.expiresAt <= this.now()) return { ok: false, reason: 'expired' };
    if (record.clientId !== clientId) return { ok: false, reason: 'wrong_client' };
    const grant = this.grants.get(grantKey(record.sub, record.clientId));
    return grant ? { ok: true, grant } : { ok: false, reason: 'revoked' };
  }

  /** Issues a replacement refresh token and retires the one it replaces. */
  rotate(grant: Grant, oldToken: string): string {
    this.retire(oldToken);
    grant.refreshTokens.delete(oldToken);
    grant.rotateNextRefresh = false;
    return this.issueRefreshToken(grant);
  }

  /** The grant a refresh token belongs to, if it is still live (for revocation by token). */
  grantOfRefreshToken(token: string): Grant | undefined {
    const record = this.refreshTokens.get(token);
    if (!record || record.revoked) return undefined;
    return this.grants.get(grantKey(record.sub, record.clientId));
  }

  grantOf(sub: string, clientId: string): Grant | undefined {
    return this.grants.get(grantKey(sub, clientId));
  }

  /** Removes the grants of `sub` (for one client, or all) with all their refresh tokens. */
  revoke(sub: string, clientId?: string): Grant[] {
    const removed = this.matching(sub, clientId);
    for (const grant of removed) {
      for (const token of grant.refreshTokens) this.retire(token);
      this.grants.delete(grantKey(grant.sub, grant.clientId));
    }
    return removed;
  }

  /** Makes every refresh token of `sub` expired, as an app in "Testing" sees after 7 days. */
  expireRefreshTokens(sub: string, clientId?: string): number {
    let count = 0;
    for (const grant of this.matching(sub, clientId)) {
      for (const token of grant.refreshTokens) {
        const record = this.refreshTokens.get(token);
        if (record && !record.revoked) {
          record.expiresAt = this.now() - 1;
          count += 1;
        }
      }
    }
    return count;
  }

  setRotateNextRefresh(sub: string, clientId?: string): number {
    const grants = this.matching(sub, clientId);
    for (const grant of grants) grant.rotateNextRefresh = true;
    return grants.length;
  }

  snapshot(sub: string): GrantSnapshot[] {
    return this.matching(sub).map((grant) => ({
      sub: grant.sub,
      clientId: grant.clientId,
      scopes: [...grant.scopes],
      activeRefreshTokens: [...grant.refreshTokens].filter((token) => this.checkRefreshToken(token, grant.clientId).ok).length,
      rotateNextRefresh: grant.rotateNextRefresh,
    }));
  }

  clear(): void {
    this.grants.clear();
    this.refreshTokens.clear();
  }

  private matching(sub: string, clientId?: string): Grant[] {
    return [...this.grants.values()].filter((grant) => grant.sub === sub && (clientId === undefined || grant.clientId === clientId));
  }

  private issueRefreshToken(grant: Grant): string {
    const token = newRefreshToken();
    const lifetime = this.refreshTokenLifetimeSeconds;
    this.refreshTokens.set(token, {
      token,
      sub: grant.sub,
      clientId: grant.clientId,
      expiresAt: lifetime === undefined ? undefined : this.now() + lifetime * 1000,
      revoked: false,
    });
    grant.refreshTokens.add(token);
    return token;
  }

  private retire(token: string): void {
    const record = this.refreshTokens.get(token);
    if (record) record.revoked = true;
  }
}
