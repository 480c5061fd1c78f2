import { type AppError } from '../errors/app-error';
import { httpStatusFor } from '../errors/http-status';
import type { HttpReply } from './types';

/** The single shape every error takes on the wire: `{"error": {"code", "message", ...details}}`. */
export function errorReply(error: AppError): HttpReply {
  const headers: Record<string, string> = { 'cache-control': 'no-store' };
  if (error.allow) headers.allow = error.allow.join(', ');
  if (error.retryAfterSeconds !== undefined) headers['retry-after'] = String(Math.max(1, Math.ceil(error.retryAfterSeconds)));
  return {
    status: httpStatusFor(error.code),
    body: { error: { ...error.details, code: error.code, message: error.message } },
    headers,
  };
}
