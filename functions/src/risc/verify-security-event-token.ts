import { compactVerify, decodeProtectedHeader, errors } from 'jose';
import { z } from 'zod';
import { AppError } from '../errors/app-error';
import type { RiscDiscovery } from './risc-discovery';

/** A verified Security Event Token: signed by Google's RISC key, for one of our clients. */
export interface SecurityEventToken {
  issuer: string;
  jti: string;
  /** `iat`, when present. */
  issuedAt: Date | undefined;
  /** The `events` claim: event-type URI -> payload (read by security-events.ts). */
  events: Record<string, unknown>;
}

const COMPACT_JWS = /^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+$/;

/** `exp` is deliberately absent: a security event reports something that happened and never expires. */
const claimsSchema = z.object({
  iss: z.string(),
  aud: z.union([z.string(), z.array(z.string())]),
  jti: z.string().min(1).max(256),
  iat: z.number().finite().optional(),
  events: z.record(z.string(), z.unknown()).refine((events) => Object.keys(events).length > 0, 'no events'),
});

/** jose's verdicts that mean "this token is not Google's"; anything else (timeouts, bad key sets) is on the way to Google. */
const FORGED_OR_MALFORMED = new Set([
  errors.JWSInvalid.code,
  errors.JWSSignatureVerificationFailed.code,
  errors.JWKSNoMatchingKey.code,
  errors.JWKSMultipleMatchingKeys.code,
  errors.JOSEAlgNotAllowed.code,
  errors.JOSENotSupported.code,
]);

/**
 * Verifies a Security Event Token as Google's Cross-Account Protection guide says: RS256 by the
 * `kid` from the `jwks_uri` of the RISC configuration, `iss` equal to its `issuer`, `aud` one of
 * our client ids, and no check of `exp`. A token that fails: 400 `invalid_security_event`.
 * Google's configuration or keys unreachable: 503 `upstream_unavailable` (Google retries).
 */
export async function verifySecurityEventToken(body: Buffer, discovery: RiscDiscovery, audiences: readonly string[]): Promise<SecurityEventToken> {
  const token = readCompactJws(body);
  const header = (() => {
    try {
      return decodeProtectedHeader(token);
    } catch {
      throw invalid('The token header cannot be read.');
    }
  })();
  if (header.alg !== 'RS256' || typeof header.kid !== 'string') throw invalid('The token is not signed with RS256 and a key id.');
  const trust = await discovery();
  const payload = await verifySignature(token, trust.keys);
  const claims = claimsSchema.safeParse(parseJson(payload));
  if (!claims.success) throw invalid('The token does not carry the claims of a security event.');
  if (claims.data.iss !== trust.issuer) throw invalid('The token was not issued by the configured RISC issuer.');
  const audience = typeof claims.data.aud === 'string' ? [claims.data.aud] : claims.data.aud;
  if (!audience.some((aud) => audiences.includes(aud))) throw invalid('The token is addressed to another client.');
  return {
    issuer: claims.data.iss,
    jti: claims.data.jti,
    issuedAt: claims.data.iat === undefined ? undefined : new Date(claims.data.iat * 1000),
    events: claims.data.events,
  };
}

/** The body is the token itself (RFC 8935 push), maybe with a trailing newline. */
function readCompactJws(body: Buffer): string {
  let text: string;
  try {
    text = new TextDecoder('utf-8', { fatal: true }).decode(body).trim();
  } catch {
    throw invalid('The body is not a security event token.');
  }
  if (!COMPACT_JWS.test(text)) throw invalid('The body is not a security event token.');
  return text;
}

async function verifySignature(token: string, keys: Parameters<typeof compactVerify>[1]): Promise<Uint8Array> {
  try {
    return (await compactVerify(token, keys, { algorithms: ['RS256'] })).payload;
  } catch (error) {
    if (error instanceof errors.JOSEError && FORGED_OR_MALFORMED.has(error.code)) {
      throw invalid('The token signature does not verify with Google\'s RISC keys.', error);
    }
    throw new AppError('upstream_unavailable', "Google's RISC signing keys could not be fetched. Try again shortly.", {
      retryAfterSeconds: 30,
      cause: error,
    });
  }
}

function parseJson(payload: Uint8Array): unknown {
  try {
    return JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(payload));
  } catch {
    return undefined;
  }
}

function invalid(message: string, cause?: unknown): AppError {
  return new AppError('invalid_security_event', message, cause === undefined ? {} : { cause });
}
