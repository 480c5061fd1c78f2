import { randomBytes } from 'node:crypto';

/**
 * Every access token the sandbox's token endpoint hands out, so Drive (and anything else that takes
 * a Bearer token) can check it exactly as Google would: unknown, expired or revoked means 401.
 */
export interface IssuedAccessToken {
  readonly token: string;
  readonly sub: string;
  readonly clientId: string;
  readonly scopes: readonly string[];
  /** Epoch milliseconds. */
  readonly expiresAt: number;
  revoked: boolean;
}

export type AccessTokenCheck =
  | { ok: true; grant: IssuedAccessToken }
  | { ok: false; reason: 'missing' | 'unknown' | 'expired' | 'revoked' };

export class AccessTokenRegistry {
  private readonly tokens = new Map<string, IssuedAccessToken>();

  constructor(private readonly now: () => number = Date.now) {}

  issue(grant: { sub: string; clientId: string; scopes: readonly string[]; lifetimeSeconds: number }): IssuedAccessToken {
    const token = `ya29.sandbox-${randomBytes(24).toString('base64url')}`;
    const issued: IssuedAccessToken = {
      token,
      sub: grant.sub,
      clientId: grant.clientId,
      scopes: [...grant.scopes],
      expiresAt: this.now() + grant.lifetimeSeconds * 1000,
      revoked: false,
    };
    this.tokens.set(token, issued);
    return issued;
  }

  /** Checks an `Authorization` header value ("Bearer ..."). */
  check(authorization: string | undefined): AccessTokenCheck {
    const match = /^Bearer\s+(\S+)$/i.exec(authorization ?? '');
    if (!match?.[1]) return { ok: false, reason: 'missing' };
    const grant = this.tokens.get(match[1]);
    if (!grant) return { ok: false, reason: 'unknown' };
    if (grant.revoked) return { ok: false, reason: 'revoked' };
    if (grant.expiresAt <= this.now()) return { ok: false, reason: 'expired' };
    return { ok: true, grant };
  }

  lookup(token: string): IssuedAccessToken | undefined {
    return this.tokens.get(token);
  }

  revoke(token: string): boolean {
    const grant = this.tokens.get(token);
    if (!grant) return false;
    grant.revoked = true;
    return true;
  }

  revokeAllFor(sub: string, clientId?: string): number {
    let count = 0;
    for (const grant of this.tokens.values()) {
      if (grant.sub === sub && (clientId === undefined || grant.clientId === clientId) && !grant.revoked) {
        grant.revoked = true;
        count += 1;
      }
    }
    return count;
  }

  /** Forgets every token (the sandbox's admin reset). */
  clear(): void {
    this.tokens.clear();
  }

  /** Test hook: make a live token look expired to Google, without touching what the product stored. */
  expireAllFor(sub: string): void {
    for (const [token, grant] of this.tokens) {
      if (grant.sub === sub) this.tokens.set(token, { ...grant, expiresAt: this.now() - 1 });
    }
  }
}
