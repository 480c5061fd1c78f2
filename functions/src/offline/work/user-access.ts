import { Timestamp } from '@google-cloud/firestore';
import type { OAuth2Client } from 'google-auth-library';
import { GrantRevokedError, refreshAccessToken } from '../../google/refresh-access-token';
import { sameScopes } from '../../google/scopes';
import type { RetryPolicy } from '../../retry/retry';
import type { TokenVault } from '../../tokens/vault';
import { openCachedAccessToken } from '../../users/cached-access-token';
import { refreshTokenIds } from '../../users/refresh-token-ids';
import { type Lease, type LeaseStore, type RunChange, signedInAgain } from './lease-store';

export interface UserAccessDeps {
  oauth: OAuth2Client;
  vault: TokenVault;
  leases: LeaseStore;
  retry: RetryPolicy;
  /** The invocation's hard stop: a refresh starts no retry after it. */
  stop?: AbortSignal | undefined;
  now: () => Date;
}

/**
 * The access token for one leased user during one run. Refreshing stores a rotated refresh token
 * at once (losing it would lose the user), while the new access token is only remembered and
 * written with the run's final update, saving a Firestore write per run. It is sealed then, not
 * when it arrived: under the key current at the write, so a key rotation's settle margin
 * (REWRAP_SETTLE_MARGIN_SECONDS) covers it however long the run took (rotation/rewrap-tokens.ts).
 */
export class UserAccess {
  private refreshed: { accessToken: string; expiresAt: Date | undefined } | undefined;
  /** Set when a refresh answered with another set of scopes than the stored one. */
  private grantedScopes: string[] | undefined;
  private revoked = false;
  private failedRefresh: { error: unknown } | undefined;

  constructor(
    private readonly lease: Lease,
    private readonly deps: UserAccessDeps,
  ) {}

  /**
   * The stored access token is only a cache: one that cannot be opened (e.g. sealed under a key
   * version disabled since, by a run that was still using it during a rotation) is refreshed.
   */
  async current(): Promise<string> {
    return (await openCachedAccessToken(this.lease.userId, this.lease.record, this.deps.vault, this.deps.now())) ?? this.refresh();
  }

  /**
   * True once a refresh met a revoked grant, whoever asked for it and whatever they did with the
   * error: the worker reads this, so no job can hide a dead grant by catching what it threw.
   */
  get grantRevoked(): boolean {
    return this.revoked;
  }

  /**
   * What the last refresh that failed for another reason than a revoked grant threw (a transient
   * Google failure, our key, storage), whoever caught it: the run's failure is that, not what a
   * job made of it.
   */
  get refreshFailure(): { error: unknown } | undefined {
    return this.failedRefresh;
  }

  /** Throws GrantRevokedError when Google says the grant is gone (and at once on every later call). */
  async refresh(): Promise<string> {
    try {
      const accessToken = await this.refreshOnce();
      this.failedRefresh = undefined;
      return accessToken;
    } catch (error) {
      if (!(error instanceof GrantRevokedError)) this.failedRefresh = { error };
      throw error;
    }
  }

  private async refreshOnce(): Promise<string> {
    const { userId, record } = this.lease;
    if (this.revoked || !record.refreshToken) throw this.markRevoked();
    const refreshToken = await this.deps.vault.open(userId, 'refreshToken', record.refreshToken);
    // The key the new tokens will be sealed with must be at hand before Google is asked: a refresh
    // whose answer cannot be stored is wasted, and would lose a rotated refresh token.
    await this.deps.vault.currentKeyVersion();
    const tokens = await refreshAccessToken(this.deps.oauth, refreshToken, this.deps.retry, { signal: this.deps.stop }).catch((error: unknown) => {
      throw error instanceof GrantRevokedError ? this.markRevoked() : error;
    });
    if (tokens.rotatedRefreshToken) {
      const sealed = await this.deps.vault.seal(userId, 'refreshToken', tokens.rotatedRefreshToken);
      const fields = { refreshToken: sealed, refreshTokenIds: refreshTokenIds(tokens.rotatedRefreshToken) };
      if (!(await this.deps.leases.write(this.lease, fields))) throw new Error('The lease was lost');
      record.refreshToken = sealed;
      record.refreshTokenIds = fields.refreshTokenIds;
    }
    // Google names the scopes the grant has now; an answer without any says nothing about them.
    if (tokens.scopes.length > 0 && !sameScopes(tokens.scopes, record.scopes ?? [])) this.grantedScopes = tokens.scopes;
    this.refreshed = { accessToken: tokens.accessToken, expiresAt: tokens.expiresAt };
    return tokens.accessToken;
  }

  private markRevoked(): GrantRevokedError {
    this.revoked = true;
    return new GrantRevokedError();
  }

  /**
   * Fields to add to the run's final write (empty when the cached token was used), the refreshed
   * access token sealed now. It is only a cache: if it cannot be sealed, it is left out and the
   * next run refreshes again.
   */
  async pendingWrites(): Promise<Record<string, unknown>> {
    const scopes = this.grantedScopes ? { scopes: this.grantedScopes } : {};
    if (!this.refreshed) return scopes;
    const { accessToken, expiresAt } = this.refreshed;
    const sealed = await this.deps.vault.seal(this.lease.userId, 'accessToken', accessToken).catch(() => undefined);
    if (!sealed) return scopes;
    return { accessToken: sealed, ...(expiresAt ? { accessTokenExpiresAt: Timestamp.fromDate(expiresAt) } : {}), ...scopes };
  }

  /** The run's `scopes_changed` event, when a refresh answered with other scopes than the document holds. */
  scopesChange(): RunChange | undefined {
    const scopes = this.grantedScopes;
    if (!scopes) return undefined;
    // A sign-in mid-run stored its own scopes: the run's refresh has no change to report on them.
    return (current) =>
      signedInAgain(this.lease.record, current) || sameScopes(scopes, current.scopes ?? [])
        ? undefined
        : { kind: 'scopes_changed', userId: this.lease.userId, status: 'active', reason: 'token_refresh', scopes };
  }
}
