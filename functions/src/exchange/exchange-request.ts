import { AppError } from '../errors/app-error';
import { parseFormOrJson } from '../http/parse-form-or-json';
import { requireBodyWithin, requireCsrfHeader, requireMethod } from '../http/request-guards';
import type { HttpRequest } from '../http/types';

/** Google's one-time codes (`4/0Ab...`) use URL-safe characters plus `/`; nothing else is accepted. */
const CODE_PATTERN = /^[A-Za-z0-9\-._~/+=]+$/;
export const MAX_CODE_LENGTH = 1024;

/** Longer than any redirect URI worth registering; anything longer is not on the list anyway. */
const MAX_REDIRECT_URI_LENGTH = 2048;

export interface ExchangeRequest {
  code: string;
  /** Named by the request (web clients); undefined: GOOGLE_OAUTH_REDIRECT_URI. */
  redirectUri: string | undefined;
}

/**
 * Applies the contract's checks in the order docs/api.md documents them. A `redirectUri` is used
 * only if it is one of `allowedRedirectUris` (ALLOWED_REDIRECT_URIS), checked before Google is asked.
 */
export function readExchangeRequest(request: HttpRequest, allowedRedirectUris: readonly string[]): ExchangeRequest {
  requireMethod(request, ['POST']);
  requireCsrfHeader(request);
  requireBodyWithin(request);
  const fields = parseFormOrJson(request);
  const code = fields.code;
  if (typeof code !== 'string') throw new AppError('invalid_request', 'The body needs a "code" string (the serverAuthCode).');
  if (code.length === 0 || code.length > MAX_CODE_LENGTH) {
    throw new AppError('invalid_request', `The code must be 1 to ${MAX_CODE_LENGTH} characters long.`);
  }
  if (!CODE_PATTERN.test(code)) throw new AppError('invalid_request', 'The code contains characters Google codes never use.');
  return { code, redirectUri: readRedirectUri(fields.redirectUri, allowedRedirectUris) };
}

function readRedirectUri(value: unknown, allowed: readonly string[]): string | undefined {
  if (value === undefined) return undefined;
  if (typeof value !== 'string') throw new AppError('invalid_request', 'The "redirectUri" field must be a string.');
  if (value.length > MAX_REDIRECT_URI_LENGTH || !allowed.includes(value)) {
    throw new AppError('redirect_uri_not_allowed', 'This redirect URI is not one this server exchanges codes for.');
  }
  return value;
}
