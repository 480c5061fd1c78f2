/** Sandbox Firebase App Check: a published key set and tokens minted to order. */
import type { Route } from '../http';
import { AppCheckIssuer, type AppCheckProject, DEFAULT_APP_CHECK_PROJECT } from './app-check-issuer';
import { appCheckRoutes } from './app-check-routes';
import type { MintAppCheckTokenInput } from './app-check-schemas';

export { APP_CHECK_JWKS_PATH } from './app-check-routes';
export { DEFAULT_APP_CHECK_PROJECT, DEFAULT_APP_ID, type AppCheckProject } from './app-check-issuer';
export type { MintAppCheckTokenInput } from './app-check-schemas';

export interface AppCheckAdmin {
  readonly project: AppCheckProject;
  /** A token as the app's App Check SDK would send it in `X-Firebase-AppCheck`. */
  mintToken(input?: MintAppCheckTokenInput): Promise<{ token: string; ttlMillis: number }>;
}

export function createAppCheckSandbox(options: {
  project?: Partial<AppCheckProject>;
  now: () => number;
  maxAgeSeconds: number;
}): { routes: Route[]; admin: AppCheckAdmin } {
  const project = { ...DEFAULT_APP_CHECK_PROJECT, ...options.project };
  const issuer = new AppCheckIssuer(project, options.now);
  return { routes: appCheckRoutes(issuer, options.maxAgeSeconds), admin: { project, mintToken: (input) => issuer.mint(input) } };
}
