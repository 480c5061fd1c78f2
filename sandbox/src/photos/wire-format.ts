import { photosErrors } from './photos-error';
import type { z } from 'zod';

/** Google's JSON Timestamp: RFC 3339 in UTC (the sandbox writes milliseconds, one of the allowed widths). */
export function timestamp(epochMs: number): string {
  return new Date(epochMs).toISOString();
}

/** Google's JSON Duration: seconds, with 3 fractional digits only when there is a fraction ("5s", "0.250s"). */
export function duration(ms: number): string {
  const whole = Math.max(0, Math.round(ms));
  const seconds = Math.floor(whole / 1000);
  const fraction = whole % 1000;
  return fraction === 0 ? `${seconds}s` : `${seconds}.${String(fraction).padStart(3, '0')}s`;
}

/**
 * A JSON request body validated against a schema, refused as Google's transcoder refuses it:
 * 400 INVALID_ARGUMENT "Invalid JSON payload received. ..." naming the field, never its value.
 */
export function parseJsonBody<Schema extends z.ZodType>(body: Buffer, schema: Schema): z.output<Schema> {
  let json: unknown = {};
  if (body.length > 0) {
    try {
      json = JSON.parse(body.toString('utf8'));
    } catch {
      throw photosErrors.invalidArgument('Invalid JSON payload received. Unexpected token.');
    }
  }
  const result = schema.safeParse(json);
  if (result.success) return result.data;
  const issue = result.error.issues[0];
  if (issue?.code === 'unrecognized_keys') {
    throw photosErrors.invalidArgument(`Invalid JSON payload received. Unknown name "${issue.keys[0] ?? ''}": Cannot find field.`);
  }
  const at = issue && issue.path.length > 0 ? ` at '${issue.path.join('.')}'` : '';
  throw photosErrors.invalidArgument(`Invalid value${at}.`);
}

/** `pageSize` as Google reads it: absent or 0 means the default, above the max is coerced, negative or not a number is refused. */
export function pageSizeOf(raw: unknown, defaults: { default: number; max: number }): number {
  if (raw === undefined || raw === null || raw === '') return defaults.default;
  const value = typeof raw === 'number' ? raw : Number(raw);
  if (!Number.isInteger(value)) throw photosErrors.invalidArgument(`Invalid value at 'page_size' (TYPE_INT32), "${typeof raw === 'number' ? raw : 'value'}"`);
  if (value < 0) throw photosErrors.invalidArgument('Page size must not be negative.');
  if (value === 0) return defaults.default;
  return Math.min(value, defaults.max);
}

/** Page tokens: opaque to clients, bound to the list they came from (a token of another list is refused). */
export function encodePageToken(scope: string, offset: number): string {
  return Buffer.from(JSON.stringify({ s: scope, o: offset })).toString('base64url');
}

export function decodePageToken(token: string | undefined, scope: string): number {
  if (token === undefined || token === '') return 0;
  try {
    const { s, o } = JSON.parse(Buffer.from(token, 'base64url').toString('utf8')) as { s?: unknown; o?: unknown };
    if (s === scope && typeof o === 'number' && Number.isInteger(o) && o >= 0) return o;
  } catch {
    // fall through to the refusal
  }
  throw photosErrors.invalidArgument('Invalid page token.');
}

/** One page of `items` from `offset`, with the token of the next page when there is one. */
export function pageOf<T>(items: readonly T[], offset: number, pageSize: number, scope: string): { page: T[]; nextPageToken?: string } {
  const page = items.slice(offset, offset + pageSize);
  const end = offset + page.length;
  return end < items.length ? { page, nextPageToken: encodePageToken(scope, end) } : { page };
}

/** A path parameter, percent-decoded; tolerant of a server that already decoded it. */
export function decodePathParam(raw: string): string {
  try {
    return decodeURIComponent(raw);
  } catch {
    return raw;
  }
}
