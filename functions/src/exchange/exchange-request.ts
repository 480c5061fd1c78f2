import { AppError } from '../errors/app-error';
import { parseFormOrJson } from '../http/parse-form-or-json';
import { requireBodyWithin, requireCsrfHeader, requireMethod } from '../http/request-guards';
import type { HttpRequest } from '../http/types';

/** Google's one-time codes (`4/0Ab...`) use URL-safe characters plus `/`; nothing else is accepted. */
const CODE_PATTERN = /^[A-Za-z0-9\-._~/+=]+$/;
export const MAX_CODE_LENGTH = 1024;

/** Applies the contract's checks in the order docs/exchange-api.md documents them and returns the code. */
export function readExchangeRequest(request: HttpRequest): string {
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
  return code;
}
