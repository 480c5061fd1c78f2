import { randomBytes } from 'node:crypto';
import type { UserProfile } from './user-profile';

/** What the user agreed to on the (imaginary) consent screen that produced a code. */
export interface AuthorizationCode {
  readonly code: string;
  readonly clientId: string;
  /** "" when the code was minted without one, as for iOS server auth codes. */
  readonly redirectUri: string;
  readonly authorizedParty: string;
  readonly profile: UserProfile;
  /** Long forms already. */
  readonly scopes: readonly string[];
  readonly forceConsent: boolean;
  /** Epoch milliseconds. */
  readonly expiresAt: number;
}

export type CodeRedemption =
  | { ok: true; grant: AuthorizationCode }
  | { ok: false; reason: 'unknown' | 'used' | 'expired' };

/** Google's codes look like `4/0A` followed by URL-safe characters, about 70 in all. */
function newCode(): string {
  return `4/0A${randomBytes(52).toString('base64url')}`;
}

/** One-time authorization codes: a successful exchange uses one up for good. */
export class CodeStore {
  private readonly codes = new Map<string, { grant: AuthorizationCode; used: boolean }>();

  constructor(private readonly now: () => number) {}

  mint(grant: Omit<AuthorizationCode, 'code' | 'expiresAt'>, lifetimeSeconds: number): AuthorizationCode {
    const minted: AuthorizationCode = { ...grant, code: newCode(), expiresAt: this.now() + lifetimeSeconds * 1000 };
    this.codes.set(minted.code, { grant: minted, used: false });
    return minted;
  }

  /** Looks a code up without using it, so a request refused for another reason leaves it valid. */
  lookup(code: string): CodeRedemption {
    const entry = this.codes.get(code);
    if (!entry) return { ok: false, reason: 'unknown' };
    if (entry.used) return { ok: false, reason: 'used' };
    if (entry.grant.expiresAt <= this.now()) return { ok: false, reason: 'expired' };
    return { ok: true, grant: entry.grant };
  }

  markUsed(code: string): void {
    const entry = this.codes.get(code);
    if (entry) entry.used = true;
  }

  clear(): void {
    this.codes.clear();
  }
}
