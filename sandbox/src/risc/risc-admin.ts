import { z } from 'zod';
import { SandboxAdminError } from '../admin/admin-error';
import { parseAdminInput } from '../admin/admin-schemas';
import { signRs256Jwt } from '../id-tokens/jwt';
import { createSigningKey, type SigningKey, type SigningKeyRing } from '../id-tokens/signing-keys';
import type { ClientRegistry } from '../oauth/clients';
import type { GrantStore } from '../oauth/grants';
import { PUSH_DELIVERY } from './event-types';
import { securityEventClaims, type SecurityEventInput, securityEventSchema } from './security-event';

export interface RiscContext {
  readonly grants: GrantStore;
  readonly clients: ClientRegistry;
  /** The RISC signing keys (separate from the ID-token keys, so tests can rotate them alone). */
  readonly keys: SigningKeyRing;
  readonly now: () => number;
  /** The sandbox's base URL, known once it listens. */
  readonly baseUrl: () => string;
  readonly closing: AbortSignal;
}

export interface RiscConfiguration {
  issuer: string;
  jwks_uri: string;
  delivery_methods_supported: string[];
}

export const sendSecurityEventSchema = securityEventSchema.extend({
  /** Where to push it, as Google does: loopback receivers only. */
  receiverUrl: z.url({ protocol: /^http$/, hostname: /^(127\.0\.0\.1|localhost|\[::1\])$/ }),
  /** Default `application/secevent+jwt` (RFC 8935). */
  contentType: z.string().optional(),
});
export type SendSecurityEventInput = z.input<typeof sendSecurityEventSchema>;

export interface Delivery {
  status: number;
  body: string;
  jti: string;
}

/** Test and demo controls for Cross-Account Protection: mint signed Security Event Tokens, or push them. */
export interface RiscAdmin {
  configuration(): RiscConfiguration;
  /** A signed Security Event Token, not sent (for tests that post it themselves). */
  mintSecurityEvent(input: SecurityEventInput): Promise<{ token: string; jti: string }>;
  /** Signs one and POSTs it to the receiver as Google's push delivery does; says what the receiver answered. */
  sendSecurityEvent(input: SendSecurityEventInput): Promise<Delivery>;
  rotateSigningKey(): Promise<{ kid: string }>;
}

const SEND_TIMEOUT_MS = 10_000;

export function createRiscAdmin(context: RiscContext): RiscAdmin {
  let foreignKey: Promise<SigningKey> | undefined;
  const configuration = (): RiscConfiguration => ({
    // Google's issuer ends with a slash; so does the sandbox's, so receivers compare it exactly.
    issuer: `${context.baseUrl()}/`,
    jwks_uri: `${context.baseUrl()}/risc/v1/jwks`,
    delivery_methods_supported: [PUSH_DELIVERY],
  });
  const mint = async (raw: unknown): Promise<{ token: string; jti: string }> => {
    const input = parseAdminInput(securityEventSchema, raw);
    const audience = input.clientId ?? context.clients.defaultClient?.clientId;
    if (!audience) throw new SandboxAdminError('unknown_client', 'no OAuth client is configured in the sandbox');
    const claims = securityEventClaims(input, {
      issuer: configuration().issuer,
      audience,
      nowMs: context.now(),
      refreshToken: input.event === 'token-revoked' ? (input.refreshToken ?? newestRefreshToken(context, input.sub, audience)) : undefined,
    });
    const key = input.signWith === 'foreign' ? await (foreignKey ??= createSigningKey(context.now())) : context.keys.current;
    const token = signRs256Jwt(claims, { kid: input.kid ?? context.keys.current.kid, privateKey: key.privateKey });
    return { token, jti: String(claims.jti) };
  };
  return {
    configuration,
    mintSecurityEvent: mint,
    async sendSecurityEvent(raw) {
      const { receiverUrl, contentType, ...event } = parseAdminInput(sendSecurityEventSchema, raw);
      const { token, jti } = await mint(event);
      const response = await fetch(receiverUrl, {
        method: 'POST',
        headers: { 'content-type': contentType ?? 'application/secevent+jwt', accept: 'application/json' },
        body: token,
        signal: AbortSignal.any([AbortSignal.timeout(SEND_TIMEOUT_MS), context.closing]),
      });
      return { status: response.status, body: await response.text(), jti };
    },
    rotateSigningKey: async () => ({ kid: (await context.keys.rotate(context.now())).kid }),
  };
}

/** The refresh token Google would name: the newest one of the user's grant that still works. */
function newestRefreshToken(context: RiscContext, sub: string | undefined, clientId: string): string {
  if (!sub) throw new SandboxAdminError('invalid_argument', 'token-revoked needs refreshToken or sub');
  const grant = context.grants.grantOf(sub, clientId);
  const live = [...(grant?.refreshTokens ?? [])].filter((token) => context.grants.checkRefreshToken(token, clientId).ok);
  const newest = live.at(-1);
  if (!newest) throw new SandboxAdminError('not_found', 'the user has no live refresh token for this client');
  return newest;
}
