import { drive, type drive_v3, type MethodOptions } from '@googleapis/drive';
import { OAuth2Client } from 'google-auth-library';
import { type DriveRetryPolicy, gaxiosRetryConfig } from './retry-policy';
import { googleFetch } from '../google/http-transport';

/**
 * Credentials for one user: either a bare access token (the worker refreshes it and retries on
 * `unauthorized`), or an auth client that refreshes by itself.
 */
export type DriveCredentials = { accessToken: string } | { authClient: OAuth2Client };

export type DriveClientOptions = DriveCredentials & {
  /** `GOOGLE_API_ROOT_URL`: Google, or the sandbox. */
  rootUrl: string;
  /** Per attempt. */
  timeoutMs: number;
  retry?: Partial<DriveRetryPolicy>;
  /** Aborts every call still in flight, retries included (the worker's hard stop). */
  signal?: AbortSignal;
};

const DEFAULT_RETRY: DriveRetryPolicy = { maxRetries: 3, baseDelayMs: 500, maxRetryDelayMs: 10_000 };

/** A Drive v3 client for one user, with a timeout on every call and Drive's retry policy. */
export function createDriveClient(options: DriveClientOptions): drive_v3.Drive {
  return drive({
    version: 'v3',
    rootUrl: options.rootUrl,
    auth: 'authClient' in options ? options.authClient : bearerClient(options.accessToken),
    timeout: options.timeoutMs,
    // Our transport (http-transport.ts). gaxios would otherwise load node-fetch with a dynamic
    // import on first use, an extra dependency on the cold path that CommonJS test runners cannot load.
    fetchImplementation: googleFetch,
    retryConfig: gaxiosRetryConfig({ ...DEFAULT_RETRY, ...options.retry }),
    ...(options.signal ? { signal: options.signal } : {}),
  });
}

/** google-auth-library sends a bare access token as `Authorization: Bearer`; a string would be taken for an API key. */
function bearerClient(accessToken: string): OAuth2Client {
  const client = new OAuth2Client();
  client.setCredentials({ access_token: accessToken });
  return client;
}

/**
 * Per-call options every media upload (files.create / files.update with `media`) needs.
 * googleapis-common builds upload URLs from the per-call `rootUrl` only; the client-level one is
 * applied to ordinary URLs before the upload URL replaces them, so without this an upload would
 * leave the sandbox for www.googleapis.com.
 */
export function mediaUploadOptions(client: drive_v3.Drive): MethodOptions {
  const rootUrl = client.context._options.rootUrl;
  return rootUrl === undefined ? {} : { rootUrl };
}
