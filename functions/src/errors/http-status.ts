import type { ErrorCode } from './app-error';

/**
 * The one place that decides which HTTP status each error code gets.
 * The switch is exhaustive: adding a code without a status fails to compile.
 */
export function httpStatusFor(code: ErrorCode): number {
  switch (code) {
    case 'invalid_request':
    case 'redirect_uri_not_allowed':
    case 'invalid_grant':
    case 'id_token_missing':
    case 'invalid_security_event':
      return 400;
    case 'unauthenticated':
    case 'invalid_id_token':
    case 'app_check_failed':
      return 401;
    case 'csrf_header_missing':
    case 'origin_not_allowed':
    case 'insufficient_scope':
      return 403;
    case 'not_found':
      return 404;
    case 'method_not_allowed':
      return 405;
    case 'reconsent_required':
    case 'not_connected':
    case 'reauth_required':
    case 'no_photos_account':
      return 409;
    case 'payload_too_large':
      return 413;
    case 'unsupported_media_type':
      return 415;
    case 'too_many_sessions':
      return 429;
    case 'oauth_client_misconfigured':
    case 'key_misconfigured':
    case 'internal':
      return 500;
    case 'upstream_unavailable':
    case 'storage_unavailable':
    case 'key_unavailable':
    case 'deadline_exceeded':
      return 503;
  }
}
