import { AppError } from '../errors/app-error';
import { MAX_BODY_BYTES } from './body-reader';
import type { HttpRequest } from './types';

export { MAX_BODY_BYTES };

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

/**
 * The body as sent is at most `maxBytes` and not content-encoded: a compressed body is refused, not
 * inflated (body-reader.ts reads bodies before the framework would, and keeps `maxBytes + 1` bytes).
 */
export function requireBodyWithin(request: HttpRequest, maxBytes = MAX_BODY_BYTES): void {
  const declared = Number(request.headers['content-length'] ?? 0);
  if (request.rawBody.length > maxBytes || (Number.isFinite(declared) && declared > maxBytes)) {
    throw new AppError('payload_too_large', `The request body must be at most ${maxBytes} bytes.`);
  }
  const encoding = request.headers['content-encoding']?.trim().toLowerCase();
  if (encoding && encoding !== 'identity' && request.rawBody.length > 0) {
    throw new AppError('unsupported_media_type', 'Send the body without a Content-Encoding.');
  }
}

/** The media type without parameters, lower-cased ("application/json; charset=utf-8" -> "application/json"). */
export function mediaType(request: HttpRequest): string {
  return (request.headers['content-type'] ?? '').split(';')[0]!.trim().toLowerCase();
}
