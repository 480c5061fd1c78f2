import { request as httpRequest } from 'node:http';
import type { FuzzRequest } from './fuzz-request';

export interface FuzzReply {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: Buffer;
}

/**
 * Sends a request with node:http rather than fetch: fetch refuses some methods and headers, and
 * insists on its own framing. A fresh connection each time, so one reply never leaks into the next.
 */
export function sendRequest(baseUrl: string, request: FuzzRequest, timeoutMs = 15_000): Promise<FuzzReply> {
  const url = new URL(baseUrl);
  return new Promise((resolve, reject) => {
    const outgoing = httpRequest(
      {
        host: url.hostname,
        port: url.port,
        method: request.method,
        path: request.path,
        headers: { ...request.headers, 'content-length': String(request.body.length), connection: 'close' },
        agent: false,
        timeout: timeoutMs,
      },
      (response) => {
        const chunks: Buffer[] = [];
        response.on('data', (chunk: Buffer) => chunks.push(chunk));
        response.on('end', () => resolve({ status: response.statusCode ?? 0, headers: response.headers, body: Buffer.concat(chunks) }));
        response.on('error', reject);
      },
    );
    outgoing.on('timeout', () => outgoing.destroy(new Error(`no answer within ${timeoutMs} ms`)));
    outgoing.on('error', reject);
    outgoing.end(request.body);
  });
}
