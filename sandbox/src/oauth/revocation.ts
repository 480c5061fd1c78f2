import type { OAuthContext } from './oauth-context';

export interface GrantRevocation {
  /** Grants removed (one per client). */
  grants: number;
  accessTokens: number;
}

/** Removes what `sub` granted (to one client, or all): refresh tokens, access tokens, the consent itself. */
export function revokeGrant(context: OAuthContext, sub: string, clientId?: string): GrantRevocation {
  const grants = context.grants.revoke(sub, clientId).length;
  const accessTokens = context.accessTokens.revokeAllFor(sub, clientId);
  return { grants, accessTokens };
}

/**
 * What `POST /revoke` does with a token. A refresh token takes its whole grant with it. So does an
 * access token: Google documents that revoking an access token also revokes its refresh token.
 * Returns false when the token is unknown, expired or already revoked.
 */
export function revokeToken(context: OAuthContext, token: string): boolean {
  const grant = context.grants.grantOfRefreshToken(token);
  if (grant) {
    revokeGrant(context, grant.sub, grant.clientId);
    return true;
  }
  const access = context.accessTokens.lookup(token);
  if (!access || access.revoked || access.expiresAt <= context.now()) return false;
  if (context.grants.grantOf(access.sub, access.clientId)) revokeGrant(context, access.sub, access.clientId);
  else context.accessTokens.revoke(token);
  return true;
}
