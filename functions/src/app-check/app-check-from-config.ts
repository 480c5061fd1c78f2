import type { AppCheckConfig } from '../config/app-check-config';
import { type AppCheckGate, appCheckGate } from './app-check-gate';

/**
 * The App Check gate the configuration asks for, or undefined when App Check is off. The verifier
 * (and `jose` with it) is imported only when App Check is on, so an exchange without it never
 * loads that code; when on, loading and the first key-set fetch start now, not on the first request.
 */
export function appCheckGateFromConfig(config: AppCheckConfig): AppCheckGate | undefined {
  if (!config.required) return undefined;
  const verifier = import('./app-check-verifier').then(({ createAppCheckVerifier }) => {
    const created = createAppCheckVerifier(config);
    void created.prefetch();
    return created;
  });
  // A failed import is a broken build; requests report it as internal, not as an unhandled rejection here.
  verifier.catch(() => undefined);
  return appCheckGate(verifier);
}
