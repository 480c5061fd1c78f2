import { AppError } from '../errors/app-error';
import { mediaType } from './request-guards';
import type { HttpRequest } from './types';

/**
 * Reads a flat JSON object or form-urlencoded body into a plain record of unknown values.
 * The raw bytes are parsed here rather than trusting the framework's parsers, so duplicate
 * keys, nested forms (`a[b]=1`) and prototype keys never reach the product's logic.
 */
export function parseFormOrJson(request: HttpRequest): Record<string, unknown> {
  const type = mediaType(request);
  if (type === 'application/json') return parseJsonObject(request.rawBody);
  if (type === 'application/x-www-form-urlencoded') return parseForm(request.rawBody);
  throw new AppError('unsupported_media_type', 'Send application/json or application/x-www-form-urlencoded.');
}

function parseJsonObject(raw: Buffer): Record<string, unknown> {
  let parsed: unknown;
  try {
    parsed = JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(raw));
  } catch {
    throw new AppError('invalid_request', 'The body is not valid JSON.');
  }
  if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) {
    throw new AppError('invalid_request', 'The body must be a JSON object.');
  }
  return Object.assign(Object.create(null) as Record<string, unknown>, parsed);
}

function parseForm(raw: Buffer): Record<string, unknown> {
  const fields = Object.create(null) as Record<string, unknown>;
  for (const [key, value] of new URLSearchParams(raw.toString('utf8'))) {
    if (key in fields) throw new AppError('invalid_request', `The field "${safeName(key)}" is repeated.`);
    // `a[b]=1` is a nested field to the extended parsers other stacks use: refused, whatever its name.
    if (/[[\]]/.test(key)) throw new AppError('invalid_request', `The field "${safeName(key)}" is nested: send flat fields.`);
    fields[key] = value;
  }
  return fields;
}

function safeName(key: string): string {
  return key.replace(/[^\w.-]/g, '?').slice(0, 40);
}
