import { type Route, sendJson } from '../http';
import { readForm, requireParam } from './form';
import type { OAuthContext } from './oauth-context';
import { OAuthError, sendOAuthError } from './oauth-error';
import { revokeToken } from './revocation';

/** `POST /revoke`, Google's `https://oauth2.googleapis.com/revoke`: `token` in the form body or the query. */
export function revokeRoute(context: OAuthContext): Route {
  return {
    method: 'POST',
    path: /^\/revoke$/,
    handle: (request, response) => {
      context.stats.count('revokeRequests');
      try {
        const token = requireParam(readForm(request), 'token');
        if (!revokeToken(context, token)) throw new OAuthError('invalid_token', 'Token expired or revoked');
        context.stats.count('revocations');
        sendJson(response, 200, {}, { 'cache-control': 'no-store' });
      } catch (error) {
        if (!(error instanceof OAuthError)) throw error;
        sendOAuthError(response, error);
      }
    },
  };
}
