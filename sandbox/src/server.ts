import { createServer, type Server } from 'node:http';
import { AccessTokenRegistry } from './access-tokens';
import { adminRoutes } from './admin/admin-routes';
import { type AppCheckAdmin, type AppCheckProject, APP_CHECK_JWKS_PATH, createAppCheckSandbox } from './app-check';
import { createSandboxAdmin, type SandboxAdmin } from './admin/admin-api';
import { createDriveSandbox, type DriveAdmin } from './drive';
import { createPhotosSandbox, LIBRARY_PREFIX, PICKER_PREFIX } from './photos';
import { createRiscSandbox, type RiscAdmin } from './risc';
import { certsRoutes } from './id-tokens/certs-routes';
import { SigningKeyRing } from './id-tokens/signing-keys';
import { ClientRegistry, type OAuthClientConfig } from './oauth/clients';
import { CodeStore } from './oauth/codes';
import { FaultInjector } from './oauth/faults';
import { GrantStore } from './oauth/grants';
import type { OAuthContext } from './oauth/oauth-context';
import { revokeRoute } from './oauth/revoke-route';
import { StatsRecorder } from './oauth/stats';
import { tokenRoute } from './oauth/token-route';
import { createRequestListener, type UnexpectedErrorHandler } from './router';

/** Loopback only: the sandbox hands out tokens to anyone who asks. */
export const SANDBOX_HOST = '127.0.0.1';

export interface SandboxOptions {
  /** 0 or omitted: a free port chosen by the OS. */
  port?: number;
  /** The OAuth clients Google "knows" for this project; the first is the admin API's default. */
  clients: OAuthClientConfig[];
  /** Epoch milliseconds; inject to test expiry without sleeping. */
  now?: () => number;
  codeLifetimeSeconds?: number;
  accessTokenLifetimeSeconds?: number;
  /** Omitted: refresh tokens never expire (a published app). 604800 plays an app in "Testing". */
  refreshTokenLifetimeSeconds?: number;
  /** `Cache-Control: max-age` of the certs endpoints. */
  certsMaxAgeSeconds?: number;
  /** The Firebase project App Check tokens are minted for (defaults: DEFAULT_APP_CHECK_PROJECT). */
  appCheck?: Partial<AppCheckProject>;
  /** Source of randomness for the fault rates (Math.random by default). */
  random?: () => number;
  onUnexpectedError?: UnexpectedErrorHandler;
}

/** The URLs to configure the product (or google-auth-library's `endpoints`) with. */
export interface SandboxEndpoints {
  tokenUrl: string;
  revokeUrl: string;
  pemCertsUrl: string;
  jwkCertsUrl: string;
  /** `rootUrl` for googleapis clients (Drive), with its trailing slash. */
  apiRootUrl: string;
  /** Firebase App Check's public key set (APP_CHECK_JWKS_URL). */
  appCheckJwksUrl: string;
  /** Cross-Account Protection discovery document (RISC_CONFIG_URL). */
  riscConfigUrl: string;
  /** PHOTOS_PICKER_ROOT_URL (Google: https://photospicker.googleapis.com); no trailing slash, the client appends /v1/... */
  photosPickerRootUrl: string;
  /** PHOTOS_LIBRARY_ROOT_URL (Google: https://photoslibrary.googleapis.com); no trailing slash. */
  photosLibraryRootUrl: string;
}

export interface SandboxGoogle {
  /** Base URL, e.g. http://127.0.0.1:PORT (no trailing slash). */
  readonly url: string;
  readonly port: number;
  readonly endpoints: SandboxEndpoints;
  readonly admin: SandboxAdmin;
  /** Drive v3: put files into a user's app data folder, list them, inject per-user faults. */
  readonly drive: DriveAdmin;
  readonly accessTokens: AccessTokenRegistry;
  /** Firebase App Check: mint tokens for `X-Firebase-AppCheck`. */
  readonly appCheck: AppCheckAdmin;
  /** Cross-Account Protection: mint or push signed Security Event Tokens. */
  readonly risc: RiscAdmin;
  close(): Promise<void>;
}

const DEFAULTS = { codeLifetimeSeconds: 600, accessTokenLifetimeSeconds: 3600, certsMaxAgeSeconds: 300 } as const;

export async function startSandboxGoogle(options: SandboxOptions): Promise<SandboxGoogle> {
  const now = options.now ?? Date.now;
  const closing = new AbortController();
  const context: OAuthContext = {
    clients: new ClientRegistry(options.clients),
    codes: new CodeStore(now),
    grants: new GrantStore(now, options.refreshTokenLifetimeSeconds),
    accessTokens: new AccessTokenRegistry(now),
    keys: await SigningKeyRing.create(now()),
    faults: new FaultInjector(options.random ?? Math.random),
    stats: new StatsRecorder(),
    now,
    codeLifetimeSeconds: options.codeLifetimeSeconds ?? DEFAULTS.codeLifetimeSeconds,
    accessTokenLifetimeSeconds: options.accessTokenLifetimeSeconds ?? DEFAULTS.accessTokenLifetimeSeconds,
    closing: closing.signal,
  };
  const drive = createDriveSandbox({ accessTokens: context.accessTokens, now, closing: closing.signal });
  let baseUrl = '';
  const photos = createPhotosSandbox({ accessTokens: context.accessTokens, now, origin: () => baseUrl, closing: closing.signal });
  const admin = createSandboxAdmin(context, photos, () => drive.admin.reset());
  const appCheck = createAppCheckSandbox({ now, project: options.appCheck ?? {}, maxAgeSeconds: options.certsMaxAgeSeconds ?? DEFAULTS.certsMaxAgeSeconds });
  const risc = createRiscSandbox({
    grants: context.grants,
    clients: context.clients,
    keys: await SigningKeyRing.create(now()),
    now,
    baseUrl: () => baseUrl,
    closing: closing.signal,
  });
  const routes = [
    tokenRoute(context),
    revokeRoute(context),
    ...certsRoutes({ keys: context.keys, now, maxAgeSeconds: options.certsMaxAgeSeconds ?? DEFAULTS.certsMaxAgeSeconds }),
    ...adminRoutes(admin),
    ...drive.routes,
    ...appCheck.routes,
    ...risc.routes,
    ...photos.routes,
  ];
  const server = createServer(createRequestListener(routes, options.onUnexpectedError ?? logUnexpectedError));
  const port = await listen(server, options.port ?? 0);
  const url = `http://${SANDBOX_HOST}:${port}`;
  baseUrl = url;
  return {
    url,
    port,
    endpoints: {
      tokenUrl: `${url}/token`,
      revokeUrl: `${url}/revoke`,
      pemCertsUrl: `${url}/oauth2/v1/certs`,
      jwkCertsUrl: `${url}/oauth2/v3/certs`,
      apiRootUrl: `${url}/`,
      appCheckJwksUrl: `${url}${APP_CHECK_JWKS_PATH}`,
      riscConfigUrl: `${url}/.well-known/risc-configuration`,
      photosPickerRootUrl: `${url}${PICKER_PREFIX}`,
      photosLibraryRootUrl: `${url}${LIBRARY_PREFIX}`,
    },
    admin,
    drive: drive.admin,
    accessTokens: context.accessTokens,
    appCheck: appCheck.admin,
    risc: risc.admin,
    close: () => close(server, closing),
  };
}

function listen(server: Server, port: number): Promise<number> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, SANDBOX_HOST, () => {
      server.off('error', reject);
      const address = server.address();
      if (address === null || typeof address === 'string') reject(new Error('sandbox server has no TCP address'));
      else resolve(address.port);
    });
  });
}

/** Ends hung and keep-alive connections too: a test's afterAll must not wait for a client timeout. */
function close(server: Server, closing: AbortController): Promise<void> {
  closing.abort();
  return new Promise((resolve, reject) => {
    server.close((error) => (error ? reject(error) : resolve()));
    server.closeAllConnections();
  });
}

/** Names the failure, not the request's content: bodies and queries may hold tokens. */
function logUnexpectedError(error: unknown, where: { method: string; path: string }): void {
  const name = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
  console.error(`sandbox-google: unexpected failure on ${where.method} ${where.path}: ${name}`);
}
