import { createPublicKey, type KeyObject } from 'node:crypto';
import type { LoginTicket, OAuth2Client, TokenPayload } from 'google-auth-library';
import { AppError } from '../errors/app-error';
import type { IdentityConfig } from '../config/google-identity-config';
import { classifyGoogleFailure } from './http-failure';
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

/**
 * Checks a Google ID token and says whose it is; throws `invalid_id_token` (401) otherwise.
 * `signal`: the request's deadline; a certificate fetch starts no retry after it.
 */
export type IdTokenVerifier = (idToken: string, signal?: AbortSignal) => Promise<GoogleIdentity>;

/**
 * Exactly the exchange's checks: signature by kid, iss, aud in ALLOWED_AUDIENCES, azp when configured, exp/iat.
 * Made when an instance starts, it fetches Google's certificates at once, in the background, so the
 * instance's first request does not wait for them after its own call to Google.
 */
export function createIdTokenVerifier(client: OAuth2Client, config: IdentityConfig, retry: RetryPolicy): IdTokenVerifier {
  prefetchCerts(client);
  return (idToken, signal) =>
    verifyGoogleIdToken(client, idToken, { audiences: config.allowedAudiences, authorizedParties: config.allowedAuthorizedParties, retry, signal });
}

export interface IdTokenPolicy {
  audiences: readonly string[];
  /** Empty: any `azp`. The library checks signature, issuer, audience and time, but not `azp`. */
  authorizedParties: readonly string[];
  retry: RetryPolicy;
  retryDeps?: RetryDeps;
  signal?: AbortSignal | undefined;
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
      () => verifyWithParsedCerts(client, idToken, [...policy.audiences]),
      // Only fetching the certs can fail transiently (as any Google call: network, 408, 429, 5xx, with
      // its Retry-After); a bad token is not an HTTP failure, and bad on every attempt.
      classifyGoogleFailure,
      policy.retry,
      policy.retryDeps,
      policy.signal,
    );
    const payload = ticket.getPayload();
    if (!payload) throw invalid('The ID token has no claims.');
    return payload;
  } catch (error) {
    if (error instanceof AppError) throw error;
    if (error instanceof RetriesExhaustedError) {
      throw new AppError('upstream_unavailable', "Google's signing keys could not be fetched. Try again shortly.", {
        retryAfterSeconds: Math.ceil((error.retryAfterMs ?? 5_000) / 1000),
        cause: error.lastError,
      });
    }
    throw invalid('The ID token could not be verified.', error);
  }
}

/**
 * What `OAuth2Client.verifyIdToken` does (the library's cached certificates, then its own signature
 * and claim checks), with each certificate parsed once per fetch instead of once per token: the
 * library hands its PEM text to Node's `verify`, which parses the X.509 certificate again every
 * time, and that parse costs more than the RSA check (45 us against 19 us per token, Node 24).
 * The library's verify passes the key on to `crypto.Verify.verify`, which takes a KeyObject as it
 * takes PEM text; every test of the exchange's verification runs through this path.
 */
async function verifyWithParsedCerts(client: OAuth2Client, idToken: string, audience: string[]): Promise<LoginTicket> {
  await prefetching.get(client);
  const { certs } = await client.getFederatedSignonCertsAsync();
  return client.verifySignedJwtWithCertsAsync(idToken, parsedCerts(certs), audience, client.issuers);
}

/** A client's start-up fetch of the certificates while it is in flight: a verification waits for it rather than fetching them twice. */
const prefetching = new WeakMap<OAuth2Client, Promise<unknown>>();

/** A failed prefetch is forgotten: the first verification fetches the certificates itself, with its retries. */
function prefetchCerts(client: OAuth2Client): void {
  const fetching = client.getFederatedSignonCertsAsync().then(
    () => undefined,
    () => undefined,
  );
  prefetching.set(client, fetching);
  void fetching.then(() => prefetching.delete(client));
}

type Certs = Awaited<ReturnType<OAuth2Client['getFederatedSignonCertsAsync']>>['certs'];

/** Per certificates object the library fetched (it keeps one until Google's max-age ends). */
const parsed = new WeakMap<Certs, Certs>();

function parsedCerts(certs: Certs): Certs {
  let keys = parsed.get(certs);
  if (keys === undefined) {
    keys = Object.fromEntries(Object.entries(certs).map(([kid, cert]) => [kid, typeof cert === 'string' ? publicKeyOr(cert) : cert])) as Certs;
    parsed.set(certs, keys);
  }
  return keys;
}

/** A certificate Node cannot parse stays text, so the library fails on it as it would have. */
function publicKeyOr(pem: string): KeyObject | string {
  try {
    return createPublicKey(pem);
  } catch {
    return pem;
  }
}

function invalid(message: string, cause?: unknown): AppError {
  return new AppError('invalid_id_token', message, cause === undefined ? {} : { cause });
}
