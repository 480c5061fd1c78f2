import { randomBytes } from 'node:crypto';
import { z } from 'zod';
import { withClaimOverrides } from '../id-tokens/jwt';
import { eventTypeUri } from './event-types';
import { type TokenIdentifierAlg, tokenIdentifier } from './token-identifier';

export const securityEventSchema = z.strictObject({
  /** A short name (`tokens-revoked`, `token-revoked`, `sessions-revoked`, `account-disabled`, ...) or any event-type URI. */
  event: z.string().min(1),
  /** The account the event is about (iss-sub subject); not used by `token-revoked` and `verification`. */
  sub: z.string().min(1).optional(),
  subjectType: z.enum(['iss-sub', 'id_token_claims']).optional(),
  email: z.string().optional(),
  /** `token-revoked`: the refresh token to name; default: the newest live one of `sub`'s grant. */
  refreshToken: z.string().min(1).optional(),
  tokenIdentifierAlg: z.enum(['prefix', 'hash_base64_sha512_sha512']).optional(),
  /** `account-disabled`: `hijacking` or `bulk-account`. */
  reason: z.string().optional(),
  /** `verification`: echoed back by the receiver's log. */
  state: z.string().optional(),
  /** The `aud`; defaults to the first configured client. */
  clientId: z.string().optional(),
  /** Claims to set or (with null) remove on top of a valid set: `iss`, `aud`, `exp`, `jti`, ... */
  claims: z.record(z.string(), z.unknown()).optional(),
  /** "foreign" signs with a key the sandbox never publishes: a forgery. */
  signWith: z.enum(['sandbox', 'foreign']).optional(),
  /** Header `kid`; defaults to the current RISC key's (also for forgeries). */
  kid: z.string().optional(),
});
export type SecurityEventInput = z.input<typeof securityEventSchema>;
type ParsedEvent = z.output<typeof securityEventSchema>;

export interface EventAddressing {
  issuer: string;
  audience: string;
  nowMs: number;
  /** The refresh token a `token-revoked` names, already resolved. */
  refreshToken: string | undefined;
}

/** The claims Google's Security Event Tokens carry: iss, aud, iat, jti and one event; no exp. */
export function securityEventClaims(input: ParsedEvent, addressing: EventAddressing): Record<string, unknown> {
  const base: Record<string, unknown> = {
    iss: addressing.issuer,
    aud: addressing.audience,
    iat: Math.floor(addressing.nowMs / 1000),
    jti: randomBytes(16).toString('hex'),
    events: { [eventTypeUri(input.event)]: eventPayload(input, addressing) },
  };
  return withClaimOverrides(base, input.claims ?? {});
}

function eventPayload(input: ParsedEvent, addressing: EventAddressing): Record<string, unknown> {
  if (input.event === 'verification') return input.state === undefined ? {} : { state: input.state };
  if (input.event === 'token-revoked') {
    const alg: TokenIdentifierAlg = input.tokenIdentifierAlg ?? 'hash_base64_sha512_sha512';
    return {
      subject: {
        subject_type: 'oauth_token',
        token_type: 'refresh_token',
        token_identifier_alg: alg,
        token: addressing.refreshToken === undefined ? '' : tokenIdentifier(addressing.refreshToken, alg),
      },
    };
  }
  const subject = {
    subject_type: input.subjectType ?? 'iss-sub',
    iss: addressing.issuer,
    sub: input.sub,
    ...(input.email === undefined ? {} : { email: input.email }),
  };
  return { subject, ...(input.reason === undefined ? {} : { reason: input.reason }) };
}
