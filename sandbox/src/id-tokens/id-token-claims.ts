import { USERINFO_EMAIL, USERINFO_PROFILE } from '../oauth/scopes';
import type { UserProfile } from '../oauth/user-profile';
import { accessTokenHash } from './jwt';

export const GOOGLE_ISSUER = 'https://accounts.google.com';
export const ID_TOKEN_LIFETIME_SECONDS = 3600;

export interface IdTokenSubject {
  readonly profile: UserProfile;
  readonly scopes: readonly string[];
  /** `aud`: the client that exchanged the code. */
  readonly audience: string;
  /** `azp`: the client the user signed in to (an iOS client for a server auth code); defaults to `aud`. */
  readonly authorizedParty: string;
  readonly nowMs: number;
  readonly accessToken?: string;
}

/**
 * Claims in the order and with the gating Google uses: email claims only with the email scope,
 * profile claims only with the profile scope.
 */
export function idTokenClaims(subject: IdTokenSubject): Record<string, unknown> {
  const { profile, scopes } = subject;
  const iat = Math.floor(subject.nowMs / 1000);
  const withEmail = scopes.includes(USERINFO_EMAIL);
  const withProfile = scopes.includes(USERINFO_PROFILE);
  return {
    iss: GOOGLE_ISSUER,
    azp: subject.authorizedParty,
    aud: subject.audience,
    sub: profile.sub,
    ...(withEmail ? { email: profile.email, email_verified: profile.emailVerified } : {}),
    ...(subject.accessToken ? { at_hash: accessTokenHash(subject.accessToken) } : {}),
    ...(withProfile
      ? {
          name: profile.name,
          picture: profile.picture,
          given_name: profile.givenName,
          family_name: profile.familyName,
          locale: profile.locale,
        }
      : {}),
    iat,
    exp: iat + ID_TOKEN_LIFETIME_SECONDS,
  };
}
