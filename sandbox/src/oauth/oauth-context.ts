import type { AccessTokenRegistry } from '../access-tokens';
import type { SigningKeyRing } from '../id-tokens/signing-keys';
import type { ClientRegistry } from './clients';
import type { CodeStore } from './codes';
import type { FaultInjector } from './faults';
import type { GrantStore } from './grants';
import type { StatsRecorder } from './stats';

/** Everything the OAuth endpoints and the admin API share: the sandbox's model of "Google". */
export interface OAuthContext {
  readonly clients: ClientRegistry;
  readonly codes: CodeStore;
  readonly grants: GrantStore;
  readonly accessTokens: AccessTokenRegistry;
  readonly keys: SigningKeyRing;
  readonly faults: FaultInjector;
  readonly stats: StatsRecorder;
  readonly now: () => number;
  readonly codeLifetimeSeconds: number;
  /** `expires_in` of the access tokens issued from now on (Google: 3599); the admin API may change it. */
  accessTokenLifetimeSeconds: number;
  /** Aborts when the sandbox closes, so injected latency does not hold it open. */
  readonly closing: AbortSignal;
}
