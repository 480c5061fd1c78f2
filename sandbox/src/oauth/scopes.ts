/**
 * Google answers with the long forms of the sign-in scopes, whatever the app asked for. The sandbox
 * keeps its own table (rather than importing the product's) so it cannot agree with a product bug.
 */
export const USERINFO_EMAIL = 'https://www.googleapis.com/auth/userinfo.email';
export const USERINFO_PROFILE = 'https://www.googleapis.com/auth/userinfo.profile';
export const OPENID = 'openid';

const LONG_FORMS: Readonly<Record<string, string>> = { email: USERINFO_EMAIL, profile: USERINFO_PROFILE };

/** Long forms, duplicates removed, first-seen order kept. */
export function grantedScopes(requested: readonly string[]): string[] {
  return [...new Set(requested.map((scope) => LONG_FORMS[scope] ?? scope))];
}

/** Google adds an ID token when any OpenID Connect scope was granted. */
export function grantsIdToken(scopes: readonly string[]): boolean {
  return scopes.some((scope) => scope === OPENID || scope === USERINFO_EMAIL || scope === USERINFO_PROFILE);
}
