import { AppError } from '../errors/app-error';
import type { HttpHandler, HttpReply } from './types';

/** Who may call a function from a web page, and with which method (the function's own). */
export interface CorsPolicy {
  /** Exact `Origin` values, as browsers serialise them; empty: every request with an Origin is refused. */
  readonly allowedOrigins: readonly string[];
  readonly methods: readonly string[];
}

/** The headers a web client sends: the body's type, the CSRF header, App Check, and the ID token. */
export const CORS_ALLOWED_HEADERS = 'Content-Type, X-Requested-With, X-Firebase-AppCheck, Authorization';
/** How long a browser may reuse a preflight answer (Chromium caps it at two hours). */
export const CORS_MAX_AGE_SECONDS = 3600;

/**
 * CORS for the functions a browser calls, in one place. A request without `Origin` (a native app)
 * goes to the handler untouched. One with an `Origin` that is not listed is answered
 * `403 origin_not_allowed` before the handler runs, so nothing reaches Google or Firestore. From a
 * listed origin, a preflight `OPTIONS` gets 204 with the grant, and every other answer (errors
 * included, mapped by `fail`, the adapter's one mapping) carries `Access-Control-Allow-Origin`.
 */
export function corsAware(handler: HttpHandler, policy: CorsPolicy, fail: (error: unknown) => HttpReply): HttpHandler {
  return async (request) => {
    const origin = request.headers.origin;
    if (origin === undefined) return handler(request);
    if (!policy.allowedOrigins.includes(origin)) {
      return fail(new AppError('origin_not_allowed', 'This web origin may not call this function.'));
    }
    if (request.method.toUpperCase() === 'OPTIONS') return preflight(origin, policy);
    const reply = await handler(request).catch(fail);
    return { ...reply, headers: { ...reply.headers, ...granted(origin), 'access-control-expose-headers': 'Retry-After' } };
  };
}

function preflight(origin: string, policy: CorsPolicy): HttpReply {
  return {
    status: 204,
    body: undefined,
    headers: {
      ...granted(origin),
      'access-control-allow-methods': policy.methods.join(', '),
      'access-control-allow-headers': CORS_ALLOWED_HEADERS,
      'access-control-max-age': String(CORS_MAX_AGE_SECONDS),
    },
  };
}

function granted(origin: string): Record<string, string> {
  return { 'access-control-allow-origin': origin, vary: 'Origin' };
}

