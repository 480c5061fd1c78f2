import type { SandboxGoogle } from '../../../sandbox/src/server';
import { TEST_CLIENT, startTestSandbox } from '../../support/sandbox';
import { TestClock } from '../sandbox/sandbox-test-kit';

/**
 * A sandbox Google (the real server) on a hand-driven clock, plus what the Photos tests need
 * around it: access tokens minted straight into its registry, plain fetch for wire-level checks,
 * and the HTTP admin API. Every request has a timeout.
 */
const AUTH = 'https://www.googleapis.com/auth/';
export const PICKER = `${AUTH}photospicker.mediaitems.readonly`;
export const APPEND = `${AUTH}photoslibrary.appendonly`;
export const READ_APP_CREATED = `${AUTH}photoslibrary.readonly.appcreateddata`;
export const EDIT_APP_CREATED = `${AUTH}photoslibrary.edit.appcreateddata`;
export const ALL_PHOTOS_SCOPES = [PICKER, APPEND, READ_APP_CREATED];
const TIMEOUT_MS = 10_000;

export interface WireAnswer {
  status: number;
  headers: Headers;
  /** Parsed JSON, or undefined when the body is not JSON. */
  json: Record<string, unknown> | undefined;
  bytes: Buffer;
}

export interface PhotosKit {
  readonly sandbox: SandboxGoogle;
  readonly clock: TestClock;
  tokenFor(sub: string, scopes?: readonly string[], clientId?: string): string;
  /** A call to `<root>/v1/...` of the Picker (`picker`) or Library (`library`) API. */
  call(api: 'picker' | 'library', token: string | undefined, method: string, path: string, body?: unknown, headers?: Record<string, string>): Promise<WireAnswer>;
  fetchUrl(url: string, token: string | undefined): Promise<WireAnswer>;
  admin(method: 'GET' | 'POST', name: string, body?: unknown): Promise<WireAnswer>;
  /** Creates a session for `sub` and returns its id. */
  newSession(token: string, body?: unknown): Promise<string>;
  /** Uploads bytes with the raw protocol and returns the upload token. */
  upload(token: string, bytes: Buffer, mimeType?: string): Promise<string>;
  close(): Promise<void>;
}

export async function startPhotosKit(): Promise<PhotosKit> {
  const clock = new TestClock();
  const sandbox = await startTestSandbox({ now: clock.now });
  const request = async (url: string, init: RequestInit): Promise<WireAnswer> => {
    const response = await fetch(url, { ...init, signal: AbortSignal.timeout(TIMEOUT_MS) });
    const bytes = Buffer.from(await response.arrayBuffer());
    let json: Record<string, unknown> | undefined;
    if ((response.headers.get('content-type') ?? '').startsWith('application/json')) json = JSON.parse(bytes.toString('utf8')) as Record<string, unknown>;
    return { status: response.status, headers: response.headers, json, bytes };
  };
  const auth = (token: string | undefined): Record<string, string> => (token ? { authorization: `Bearer ${token}` } : {});
  const kit: PhotosKit = {
    sandbox,
    clock,
    tokenFor: (sub, scopes = ALL_PHOTOS_SCOPES, clientId = TEST_CLIENT.clientId) =>
      sandbox.accessTokens.issue({ sub, clientId, scopes, lifetimeSeconds: 24 * 3600 }).token,
    call: (api, token, method, path, body, headers = {}) => {
      const root = api === 'picker' ? sandbox.endpoints.photosPickerRootUrl : sandbox.endpoints.photosLibraryRootUrl;
      const isBytes = Buffer.isBuffer(body);
      return request(`${root}${path}`, {
        method,
        headers: { ...auth(token), ...(body === undefined || isBytes ? {} : { 'content-type': 'application/json' }), ...headers },
        body: body === undefined ? undefined : isBytes ? new Uint8Array(body) : JSON.stringify(body),
      });
    },
    fetchUrl: (url, token) => request(url, { headers: auth(token) }),
    admin: (method, name, body) =>
      request(`${sandbox.url}/__admin/${name}`, {
        method,
        headers: body === undefined ? {} : { 'content-type': 'application/json' },
        body: body === undefined ? undefined : JSON.stringify(body),
      }),
    newSession: async (token, body) => {
      const created = await kit.call('picker', token, 'POST', '/v1/sessions', body ?? {});
      if (created.status !== 200) throw new Error(`sessions.create answered ${created.status}`);
      return String(created.json?.id);
    },
    upload: async (token, bytes, mimeType = 'image/png') => {
      const answer = await kit.call('library', token, 'POST', '/v1/uploads', bytes, {
        'content-type': 'application/octet-stream',
        'x-goog-upload-content-type': mimeType,
        'x-goog-upload-protocol': 'raw',
      });
      if (answer.status !== 200) throw new Error(`uploads answered ${answer.status}`);
      return answer.bytes.toString('utf8');
    },
    close: () => sandbox.close(),
  };
  return kit;
}

export function pickItem(filename: string, bytes: Buffer, mimeType = 'image/png'): { filename: string; mimeType: string; base64: string } {
  return { filename, mimeType, base64: bytes.toString('base64') };
}

export function errorOf(answer: WireAnswer): { code?: number; status?: string; message?: string; details?: unknown[] } {
  return ((answer.json ?? {}) as { error?: Record<string, never> }).error ?? {};
}
