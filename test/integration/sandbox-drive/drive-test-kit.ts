import { drive, type drive_v3 } from '@googleapis/drive';
import { OAuth2Client } from 'google-auth-library';
import type { SandboxGoogle } from '../../../sandbox/src/server';
import { TEST_CLIENT, startTestSandbox } from '../../support/sandbox';

/**
 * A sandbox Google (the real server, Drive mounted) plus what the Drive tests need around it:
 * access tokens minted straight into its registry, the real @googleapis/drive client pointed at
 * it, and plain fetch for the wire-level checks. Every request has a timeout.
 */
export const APPDATA_SCOPE = 'https://www.googleapis.com/auth/drive.appdata';
export const SIGN_IN_SCOPES = ['openid', 'https://www.googleapis.com/auth/userinfo.email'];
const TIMEOUT_MS = 10_000;

export interface DriveKit {
  readonly sandbox: SandboxGoogle;
  readonly rootUrl: string;
  tokenFor(sub: string, scopes?: readonly string[], lifetimeSeconds?: number): string;
  clientFor(sub: string, scopes?: readonly string[]): drive_v3.Drive;
  clientWithToken(accessToken: string): drive_v3.Drive;
  /** A Drive API call over plain HTTP, for asserting the wire format itself. */
  api(token: string | undefined, path: string, init?: RequestInit): Promise<Response>;
  /** The sandbox's /__admin/drive/ API. */
  admin(method: string, path: string, body?: unknown): Promise<Response>;
  close(): Promise<void>;
}

export async function startDriveKit(): Promise<DriveKit> {
  const sandbox = await startTestSandbox();
  const rootUrl = sandbox.endpoints.apiRootUrl;
  const tokenFor = (sub: string, scopes: readonly string[] = [...SIGN_IN_SCOPES, APPDATA_SCOPE], lifetimeSeconds = 3600) =>
    sandbox.accessTokens.issue({ sub, clientId: TEST_CLIENT.clientId, scopes, lifetimeSeconds }).token;
  const clientWithToken = (accessToken: string) => {
    const auth = new OAuth2Client();
    auth.setCredentials({ access_token: accessToken });
    // gaxios' default fetch is a dynamic import of node-fetch, which jest's CommonJS sandbox refuses.
    return drive({ version: 'v3', rootUrl, auth, timeout: TIMEOUT_MS, fetchImplementation: fetch });
  };
  return {
    sandbox,
    rootUrl,
    tokenFor,
    clientFor: (sub, scopes) => clientWithToken(tokenFor(sub, scopes)),
    clientWithToken,
    api: (token, path, init = {}) =>
      fetch(new URL(path, rootUrl), {
        ...init,
        headers: { ...(token ? { authorization: `Bearer ${token}` } : {}), ...(init.headers as Record<string, string> | undefined) },
        signal: AbortSignal.timeout(TIMEOUT_MS),
      }),
    admin: (method, path, body) =>
      fetch(new URL(`/__admin/drive${path}`, rootUrl), {
        method,
        headers: body === undefined ? {} : { 'content-type': 'application/json' },
        body: body === undefined ? undefined : JSON.stringify(body),
        signal: AbortSignal.timeout(TIMEOUT_MS),
      }),
    close: () => sandbox.close(),
  };
}

/** Drive's error body as gaxios hands it over. */
export interface GaxiosLikeError {
  status?: number;
  response?: { status: number; headers: Headers | Record<string, string>; data: unknown };
}

export async function failureOf(call: Promise<unknown>): Promise<GaxiosLikeError> {
  try {
    await call;
  } catch (error) {
    return error as GaxiosLikeError;
  }
  throw new Error('expected the Drive call to fail');
}

export function reasonOf(error: GaxiosLikeError): string | undefined {
  const data = error.response?.data as { error?: { errors?: { reason?: string }[] } } | undefined;
  return data?.error?.errors?.[0]?.reason;
}

export function headerOf(error: GaxiosLikeError, name: string): string | null | undefined {
  const headers = error.response?.headers;
  if (!headers) return undefined;
  return headers instanceof Headers ? headers.get(name) : headers[name];
}
