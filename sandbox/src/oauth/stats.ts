/**
 * Counters tests read to see what a client really did: a retry shows up as a second token request,
 * a client that must not retry shows up as exactly one.
 */
export interface SandboxStats {
  /** Every POST /token received, including those answered by an injected fault. */
  tokenRequests: number;
  /** The same, by the `grant_type` form field ("(none)" when it was missing). */
  tokenRequestsByGrantType: Record<string, number>;
  /** Successful authorization_code exchanges. */
  codeExchanges: number;
  /** Successful refresh_token grants. */
  refreshes: number;
  refreshTokensRotated: number;
  /** Token requests answered with an injected 429/5xx or left hanging. */
  faultsInjected: number;
  /** Every POST /revoke received. */
  revokeRequests: number;
  /** Revocations that found a live token. */
  revocations: number;
}

export function emptyStats(): SandboxStats {
  return {
    tokenRequests: 0,
    tokenRequestsByGrantType: {},
    codeExchanges: 0,
    refreshes: 0,
    refreshTokensRotated: 0,
    faultsInjected: 0,
    revokeRequests: 0,
    revocations: 0,
  };
}

export class StatsRecorder {
  private stats = emptyStats();

  tokenRequest(grantType: string | null): void {
    const key = grantType || '(none)';
    this.stats.tokenRequests += 1;
    this.stats.tokenRequestsByGrantType[key] = (this.stats.tokenRequestsByGrantType[key] ?? 0) + 1;
  }

  count(counter: Exclude<keyof SandboxStats, 'tokenRequests' | 'tokenRequestsByGrantType'>): void {
    this.stats[counter] += 1;
  }

  snapshot(): SandboxStats {
    return { ...this.stats, tokenRequestsByGrantType: { ...this.stats.tokenRequestsByGrantType } };
  }

  reset(): void {
    this.stats = emptyStats();
  }
}
