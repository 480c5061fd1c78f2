import { idTokenClaims } from '../id-tokens/id-token-claims';
import { signRs256Jwt, withClaimOverrides } from '../id-tokens/jwt';
import { createSigningKey, type SigningKey, type SigningKeyRing } from '../id-tokens/signing-keys';
import { OPENID, USERINFO_EMAIL, USERINFO_PROFILE } from '../oauth/scopes';
import { completeProfile } from '../oauth/user-profile';

export interface IdTokenMintRequest {
  claims?: Record<string, unknown>;
  signWith?: 'sandbox' | 'foreign';
  kid?: string;
}

/**
 * ID tokens made to order, for tests of the product's verifier: expired, wrong audience, wrong
 * issuer, or forged with a key the sandbox never publishes. Starts from a complete, valid set of
 * claims for the default client, then applies the overrides (null removes a claim).
 */
export class IdTokenMinter {
  private foreignKey: Promise<SigningKey> | undefined;

  constructor(
    private readonly keys: SigningKeyRing,
    private readonly now: () => number,
    private readonly defaultAudience: string | undefined,
  ) {}

  async mint(request: IdTokenMintRequest): Promise<string> {
    const audience = this.defaultAudience ?? 'sandbox-client.apps.googleusercontent.com';
    const base = idTokenClaims({
      profile: completeProfile({ sub: '100000000000000000001', email: 'sandbox.user@example.com', name: 'Sandbox User' }),
      scopes: [OPENID, USERINFO_EMAIL, USERINFO_PROFILE],
      audience,
      authorizedParty: audience,
      nowMs: this.now(),
    });
    const claims = withClaimOverrides(base, request.claims ?? {});
    const key = request.signWith === 'foreign' ? await this.foreign() : this.keys.current;
    return signRs256Jwt(claims, { kid: request.kid ?? this.keys.current.kid, privateKey: key.privateKey });
  }

  private foreign(): Promise<SigningKey> {
    this.foreignKey ??= createSigningKey(this.now());
    return this.foreignKey;
  }
}
