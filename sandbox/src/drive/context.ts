import type { AccessTokenRegistry } from '../access-tokens';

/** What the Drive v3 stand-in needs from the rest of the sandbox. */
export interface DriveContext {
  readonly accessTokens: AccessTokenRegistry;
  readonly now: () => number;
  /** Name and email for about.get; without it the sandbox makes up plausible ones from the sub. */
  readonly userProfile?: (sub: string) => { displayName?: string; emailAddress?: string } | undefined;
  /** Seed of the generator behind fault rates (a fixed default otherwise). */
  readonly seed?: number;
  /** Aborted when the server closes, so injected latency never outlives it. */
  readonly closing?: AbortSignal;
}
