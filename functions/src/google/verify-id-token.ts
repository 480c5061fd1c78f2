import type { OAuth2Client, TokenPayload } from 'google-auth-library';
import { AppError } from '../errors/app-error';
import type { IdentityConfig } from '../config/google-identity-config';
import { readHttpFailure } from './http-failure';
import { RetriesExhaustedError, type RetryDeps, type RetryPolicy, withRetry } from '../retry/retry';

/** Who Google says signed in. Keyed by `sub`: emails change hands, subjects never do. */
export interface GoogleIdentity {
  sub: string;
  email: string | undefined;
  emailVerified: boolean | undefined;
  name: string | undefined;
  givenName: string | undefined;
  familyName: string | undefined;
  picture: string | undefined;
  locale: string | undefined;
}

/** Checks a Google ID token and says whose it is; throws `invalid_id_token` (401) otherwise. */
export type IdTokenVerifier = (idToken: string) => Promise<GoogleIdentity>;

/** Exactly the exchange's checks: signature by kid, iss, aud in ALLOWED_AUDIENCES, azp when configured, exp/iat. */
export function createIdTokenVerifier(client: OAuth2Client, config: IdentityConfig, retry: RetryPolicy): IdTokenVerifier {
  return (idToken) =>
    verifyGoogleIdToken(client, idToken, { audiences: config.allowedAudiences, authorizedParties: config.allowedAuthorizedParties, retry });
}

export interface IdTokenPolicy {
  audiences: readonly string[];
  /** Empty: any `azp`. The library checks signature, issuer, audience and time, but not `azp`. */
  authorizedParties: readonly string[];
  retry: RetryPolicy;
  retryDeps?: RetryDeps;
}

export async function verifyGoogleIdToken(client: OAuth2Client, idToken: string, policy: IdTokenPolicy): Promise<GoogleIdentity> {
  const payload = await verifySignatureAndClaims(client, idToken, policy);
  if (policy.authorizedParties.length > 0 && !policy.authorizedParties.includes(payload.azp ?? '')) {
    throw invalid('The ID token was issued to an app this server does not accept.');
  }
  if (!payload.sub) throw invalid('The ID token has no subject.');
  return {
    sub: payload.sub,
    email: payload.email,
    emailVerified: payload.email_verified,
    name: payload.name,
    givenName: payload.given_name,
    familyName: payload.family_name,
    picture: payload.picture,
    locale: payload.locale,
  };
}

async function verifySignatureAndClaims(client: OAuth2Client, idToken: string, policy: IdTokenPolicy): Promise<TokenPayload> {
  try {
    const ticket = await withRetry(
      () => client.verifyIdToken({ idToken, audience: [...policy.audiences] }),
      // Only fetching the certs can fail transiently; a bad token is bad on every attempt.
      (error) => (readHttpFailure(error).network || (readHttpFailure(error).status ?? 0) >= 500 ? { kind: 'transient' } : { kind: 'permanent' }),
      policy.retry,
      policy.retryDeps,
    );
    const payload = ticket.getPayload();
    if (!payload) throw invalid('The ID token has no claims.');
    return payload;
  } catch (error) {
    if (error instanceof AppError) throw error;
    if (error instanceof RetriesExhaustedError) {
      throw new AppError('upstream_unavailable', "Google's signing keys could not be fetched. Try again shortly.", {
        retryAfterSeconds: 5,
        cause: error.lastError,
      });
    }
    throw invalid('The ID token could not be verified.', error);
  }
}

function invalid(message: string, cause?: unknown): AppError {
  return new AppError('invalid_id_token', message, cause === undefined ? {} : { cause });
}
