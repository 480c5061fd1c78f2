import type { IncomingMessage, RequestListener, ServerResponse } from 'node:http';
import { sendGoogleApiError } from './google-errors';
import type { Route, SandboxRequest } from './http';

/** Large enough for the Drive stand-in's media uploads, small enough that a runaway client cannot exhaust memory. */
const MAX_BODY_BYTES = 64 * 1024 * 1024;

export type UnexpectedErrorHandler = (error: unknown, where: { method: string; path: string }) => void;

/**
 * Turns a list of routes into a node:http listener: reads the body, matches method and path
 * (first match wins), and answers what no route takes in Google's JSON error shape.
 */
export function createRequestListener(routes: readonly Route[], onUnexpectedError: UnexpectedErrorHandler): RequestListener {
  return (raw, response) => {
    void serve(routes, raw, response).catch((error: unknown) => {
      onUnexpectedError(error, { method: raw.method ?? '', path: pathOf(raw) });
      if (!response.headersSent) sendGoogleApiError(response, 500, 'backendError', 'Internal error encountered.');
      else response.destroy();
    });
  };
}

async function serve(routes: readonly Route[], raw: IncomingMessage, response: ServerResponse): Promise<void> {
  const body = await readBody(raw);
  if (body === 'too_large') {
    sendGoogleApiError(response, 413, 'uploadTooLarge', 'Request body too large.', { connection: 'close' });
    return;
  }
  const url = new URL(raw.url ?? '/', 'http://127.0.0.1');
  const method = raw.method ?? 'GET';
  const allowed = new Set<string>();
  for (const route of routes) {
    const match = route.path.exec(url.pathname);
    if (!match) continue;
    if (route.method !== method) {
      allowed.add(route.method);
      continue;
    }
    const request: SandboxRequest = { method, url, headers: raw.headers, body, params: { ...match.groups }, raw };
    await route.handle(request, response);
    return;
  }
  if (allowed.size > 0) {
    sendGoogleApiError(response, 405, 'httpMethodNotAllowed', `Method ${method} is not allowed for ${url.pathname}.`, {
      allow: [...allowed].join(', '),
    });
    return;
  }
  sendGoogleApiError(response, 404, 'notFound', `The requested URL ${url.pathname} was not found on this server.`);
}

function readBody(raw: IncomingMessage): Promise<Buffer | 'too_large'> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    let tooLarge = false;
    raw.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > MAX_BODY_BYTES) tooLarge = true;
      else chunks.push(chunk);
    });
    raw.on('end', () => resolve(tooLarge ? 'too_large' : Buffer.concat(chunks)));
    raw.on('error', reject);
  });
}

/** The path without its query, which may carry a token (e.g. /revoke?token=...). */
function pathOf(raw: IncomingMessage): string {
  return (raw.url ?? '').split('?')[0] ?? '';
}
