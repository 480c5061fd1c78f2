import type { AccessTokenRegistry } from '../access-tokens';

/** What the Photos stand-ins (Picker and Library) need from the rest of the sandbox. */
export interface PhotosContext {
  readonly accessTokens: AccessTokenRegistry;
  readonly now: () => number;
  /** The sandbox's origin (http://127.0.0.1:PORT), known once it listens: base URLs point at it. */
  readonly origin: () => string;
  /** Seed of the generator behind the fault rates (a fixed default otherwise). */
  readonly seed?: number;
  /** Aborted when the server closes, so injected latency never outlives it. */
  readonly closing?: AbortSignal;
}
