import { AppError } from '../errors/app-error';
import type { HttpRequest } from './types';

export const MAX_BODY_BYTES = 16 * 1024;

export function requireMethod(request: HttpRequest, allowed: readonly string[]): void {
  if (!allowed.includes(request.method.toUpperCase())) {
    throw new AppError('method_not_allowed', `Use ${allowed.join(' or ')}.`, { allow: allowed });
  }
}

/**
 * Browsers cannot add a custom header to a cross-site request without a CORS preflight we never
 * grant, so requiring one stops cross-site form posts (the mobile app adds it explicitly).
 */
export function requireCsrfHeader(request: HttpRequest): void {
  if (!request.headers['x-requested-with']?.trim()) {
    throw new AppError('csrf_header_missing', 'The X-Requested-With header is required.');
  }
}

export function requireBodyWithin(request: HttpRequest, maxBytes = MAX_BODY_BYTES): void {
  const declared = Number(request.headers['content-length'] ?? 0);
  if (request.rawBody.length > maxBytes || (Number.isFinite(declared) && declared > maxBytes)) {
    throw new AppError('payload_too_large', `The request body must be at most ${maxBytes} bytes.`);
  }
}

/** The media type without parameters, lower-cased ("application/json; charset=utf-8" -> "application/json"). */
export function mediaType(request: HttpRequest): string {
  return (request.headers['content-type'] ?? '').split(';')[0]!.trim().toLowerCase();
}
