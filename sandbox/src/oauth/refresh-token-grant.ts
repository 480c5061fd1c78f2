import type { OAuthClientConfig } from './clients';
import { requireParam } from './form';
import type { OAuthContext } from './oauth-context';
import { OAuthError } from './oauth-error';
import { tokenResponse, type TokenResponseBody } from './token-response';

/**
 * `grant_type=refresh_token`. The answer carries no `refresh_token` (clients must keep the one they
 * have) unless the admin API asked for the next refresh to rotate it.
 */
export function refreshAccessToken(context: OAuthContext, client: OAuthClientConfig, form: URLSearchParams): TokenResponseBody {
  const token = requireParam(form, 'refresh_token');
  const check = context.grants.checkRefreshToken(token, client.clientId);
  if (!check.ok) {
    throw check.reason === 'wrong_client'
      ? new OAuthError('unauthorized_client', 'Unauthorized')
      : new OAuthError('invalid_grant', 'Token has been expired or revoked.');
  }
  const rotated = check.grant.rotateNextRefresh ? context.grants.rotate(check.grant, token) : undefined;
  context.stats.count('refreshes');
  if (rotated) context.stats.count('refreshTokensRotated');
  return tokenResponse(context, check.grant, rotated);
}
