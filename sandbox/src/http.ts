import type { IncomingMessage, ServerResponse } from 'node:http';

/**
 * The sandbox's tiny routing seam. Each capability (OAuth, Drive, admin) exports a list of routes;
 * the server matches method + path and hands over a parsed request. Kept dependency-free on purpose.
 */
export interface SandboxRequest {
  readonly method: string;
  readonly url: URL;
  readonly headers: IncomingMessage['headers'];
  /** Raw body bytes (already fully read). */
  readonly body: Buffer;
  /** Named groups from the route's path pattern. */
  readonly params: Readonly<Record<string, string>>;
  readonly raw: IncomingMessage;
}

export interface Route {
  readonly method: 'GET' | 'POST' | 'PATCH' | 'PUT' | 'DELETE';
  /** Matched against the URL pathname; use named groups for parameters. */
  readonly path: RegExp;
  handle(request: SandboxRequest, response: ServerResponse): Promise<void> | void;
}

export function sendJson(
  response: ServerResponse,
  status: number,
  body: unknown,
  headers: Readonly<Record<string, string>> = {},
): void {
  const payload = JSON.stringify(body);
  response.writeHead(status, {
    'content-type': 'application/json; charset=utf-8',
    'content-length': Buffer.byteLength(payload),
    ...headers,
  });
  response.end(payload);
}
