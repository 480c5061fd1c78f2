import { idTokenClaims } from '../id-tokens/id-token-claims';
import { signRs256Jwt } from '../id-tokens/jwt';
import type { Grant } from './grants';
import type { OAuthContext } from './oauth-context';
import { grantsIdToken } from './scopes';

/** The token endpoint's success body, field for field as Google sends it. */
export interface TokenResponseBody {
  access_token: string;
  expires_in: number;
  refresh_token?: string;
  scope: string;
  token_type: 'Bearer';
  id_token?: string;
}

/** Issues an access token (registered so Drive accepts it) and, for OpenID scopes, an ID token. */
export function tokenResponse(context: OAuthContext, grant: Grant, refreshToken: string | undefined): TokenResponseBody {
  const issued = context.accessTokens.issue({
    sub: grant.sub,
    clientId: grant.clientId,
    scopes: grant.scopes,
    lifetimeSeconds: context.accessTokenLifetimeSeconds,
  });
  const idToken = grantsIdToken(grant.scopes)
    ? signRs256Jwt(
        idTokenClaims({
          profile: grant.profile,
          scopes: grant.scopes,
          audience: grant.clientId,
          authorizedParty: grant.authorizedParty,
          nowMs: context.now(),
          accessToken: issued.token,
        }),
        context.keys.current,
      )
    : undefined;
  return {
    access_token: issued.token,
    expires_in: context.accessTokenLifetimeSeconds,
    ...(refreshToken ? { refresh_token: refreshToken } : {}),
    scope: grant.scopes.join(' '),
    token_type: 'Bearer',
    ...(idToken ? { id_token: idToken } : {}),
  };
}
