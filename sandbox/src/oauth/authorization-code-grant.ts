import { type OAuthClientConfig, POPUP_REDIRECT_URI } from './clients';
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

/**
 * `postmessage` for a code minted without a redirect URI: Google's server-side sample for mobile
 * serverAuthCodes (oauth2client's `credentials_from_clientsecrets_and_code`) sends it by default.
 */
const SERVER_AUTH_CODE_REDIRECT_URIS: readonly string[] = ['', POPUP_REDIRECT_URI];

/**
 * The exchange must repeat the redirect URI of the authorization request, and it must be
 * registered; a code minted without one (a mobile app's serverAuthCode) takes none or `postmessage`.
 * A popup-mode code of Google Identity Services is bound to `postmessage`, which is never
 * registered (Google checks the page against the client's JavaScript origins instead).
 */
function checkRedirectUri(client: OAuthClientConfig, minted: string, presented: string): void {
  const registered = minted === POPUP_REDIRECT_URI || client.redirectUris.includes(presented);
  const accepted = minted === '' ? SERVER_AUTH_CODE_REDIRECT_URIS.includes(presented) : presented === minted && registered;
  if (!accepted) throw new OAuthError('redirect_uri_mismatch', 'Bad Request');
}
