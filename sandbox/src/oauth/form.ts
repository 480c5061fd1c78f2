import type { SandboxRequest } from '../http';
import { OAuthError } from './oauth-error';

/**
 * The token endpoint reads `application/x-www-form-urlencoded` bodies (what every Google client
 * library sends); query parameters are merged in underneath, as Google tolerates them too.
 */
export function readForm(request: SandboxRequest): URLSearchParams {
  const merged = new URLSearchParams(request.url.searchParams);
  if (request.body.length === 0) return merged;
  const contentType = request.headers['content-type'] ?? '';
  if (!/^application\/x-www-form-urlencoded\b/i.test(contentType)) {
    throw new OAuthError('invalid_request', 'Invalid content type. Expected application/x-www-form-urlencoded.');
  }
  for (const [name, value] of new URLSearchParams(request.body.toString('utf8'))) merged.set(name, value);
  return merged;
}

/** A parameter that must be present and non-empty, named in Google's words when it is not. */
export function requireParam(form: URLSearchParams, name: string): string {
  const value = form.get(name);
  if (!value) throw new OAuthError('invalid_request', `Missing required parameter: ${name}`);
  return value;
}
