import type { ServerResponse } from 'node:http';
import { sendJson } from './http';

/** gRPC-style status names Google APIs add to JSON errors. */
const STATUS_NAMES: Readonly<Record<number, string>> = {
  400: 'INVALID_ARGUMENT',
  401: 'UNAUTHENTICATED',
  403: 'PERMISSION_DENIED',
  404: 'NOT_FOUND',
  405: 'METHOD_NOT_ALLOWED',
  409: 'ABORTED',
  413: 'INVALID_ARGUMENT',
  429: 'RESOURCE_EXHAUSTED',
  500: 'INTERNAL',
  503: 'UNAVAILABLE',
};

/**
 * The error body of Google's JSON APIs (`{"error": {code, message, errors: [...], status}}`), used
 * for everything that is not an OAuth endpoint: unknown routes, the admin API, unexpected failures.
 */
export function sendGoogleApiError(
  response: ServerResponse,
  code: number,
  reason: string,
  message: string,
  headers: Readonly<Record<string, string>> = {},
): void {
  const status = STATUS_NAMES[code];
  sendJson(
    response,
    code,
    { error: { code, message, errors: [{ message, domain: 'global', reason }], ...(status ? { status } : {}) } },
    headers,
  );
}
