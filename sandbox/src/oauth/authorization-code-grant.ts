import type { OAuthClientConfig } from './clients';
import { requireParam } from './form';
import type { OAuthContext } from './oauth-context';
import { OAuthError } from './oauth-error';
import { tokenResponse, type TokenResponseBody } from './token-response';

/**
 * `grant_type=authorization_code`. Google does not say why a code is refused (unknown, used,
 * expired or another client's): all are `invalid_grant` "Bad Request". A request refused before the
 * code is used (wrong redirect URI) leaves the code valid.
 */
export function exchangeAuthorizationCode(
  context: OAuthContext,
  client: OAuthClientConfig,
  form: URLSearchParams,
): TokenResponseBody {
  const code = requireParam(form, 'code');
  const found = context.codes.lookup(code);
  if (!found.ok || found.grant.clientId !== client.clientId) throw new OAuthError('invalid_grant', 'Bad Request');
  checkRedirectUri(client, found.grant.redirectUri, form.get('redirect_uri') ?? '');
  context.codes.markUsed(code);
  const { grant, refreshToken } = context.grants.consent(found.grant);
  context.stats.count('codeExchanges');
  return tokenResponse(context, grant, refreshToken);
}

/** The exchange must repeat the redirect URI of the authorization request ("" = none), and it must be registered. */
function checkRedirectUri(client: OAuthClientConfig, minted: string, presented: string): void {
  const registered = presented === '' || client.redirectUris.includes(presented);
  if (presented !== minted || !registered) throw new OAuthError('redirect_uri_mismatch', 'Bad Request');
}
