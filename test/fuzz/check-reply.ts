import type { FuzzRequest } from './fuzz-request';
import type { FuzzReply } from './send-request';
import type { FuzzTarget } from './fuzz-targets';

/**
 * The fuzzing properties for one exchange: never a 5xx; only a documented status; and every error
 * in the product's own shape, `{"error": {"code", "message"}}` with a code documented for that
 * status, JSON and `no-store`. Returns what is wrong, or undefined.
 */
export function problemWithReply(target: FuzzTarget, request: FuzzRequest, reply: FuzzReply): string | undefined {
  if (reply.status >= 500) return `answered ${reply.status}`;
  const expectedCodes = target.errors[reply.status];
  const isSuccess = reply.status === target.success;
  if (!isSuccess && !expectedCodes) return `answered the undocumented status ${reply.status}`;
  if (request.method === 'HEAD') return undefined; // no body to judge
  if (isSuccess) return reply.body.length === 0 || parseJson(reply.body) !== undefined ? undefined : 'a success answer that is not JSON';
  if (reply.headers['cache-control'] !== 'no-store') return `an error without Cache-Control: no-store (${String(reply.headers['cache-control'])})`;
  if (!String(reply.headers['content-type']).startsWith('application/json')) return `an error that is not JSON (${String(reply.headers['content-type'])})`;
  const body = parseJson(reply.body) as { error?: { code?: unknown; message?: unknown } } | undefined;
  const code = body?.error?.code;
  if (typeof code !== 'string' || typeof body?.error?.message !== 'string') return `an error body not in the product's shape: ${reply.body.toString('utf8').slice(0, 200)}`;
  if (Object.keys(body).length !== 1) return `an error body with extra top-level fields: ${Object.keys(body).join(', ')}`;
  if (!expectedCodes?.includes(code)) return `${reply.status} with the code "${code}", not one documented for it`;
  return undefined;
}

function parseJson(body: Buffer): unknown {
  try {
    return JSON.parse(body.toString('utf8'));
  } catch {
    return undefined;
  }
}
