import { randomUUID } from 'node:crypto';
import { parseAdminInput } from '../admin/admin-schemas';
import { withClaimOverrides } from '../id-tokens/jwt';
import { createSigningKey, publicJwk, type PublicJwk, type SigningKey } from '../id-tokens/signing-keys';
import { signAppCheckJwt } from './app-check-jwt';
import { type MintAppCheckTokenInput, mintAppCheckTokenSchema } from './app-check-schemas';

export interface AppCheckProject {
  /** Firebase project number: `iss` ends with it, `aud` holds `projects/<number>`. */
  projectNumber: string;
  projectId: string;
}

export const DEFAULT_APP_CHECK_PROJECT: AppCheckProject = { projectNumber: '123456789012', projectId: 'sandbox-project' };
export const DEFAULT_APP_ID = '1:123456789012:ios:0123456789abcdef';
const DEFAULT_TTL_SECONDS = 3600;

/**
 * Firebase App Check's token service, as far as a backend sees it: one RS256 key published as a JWK
 * set, and tokens minted on request (what the app's attestation provider would obtain). Claims follow
 * Firebase's documented shape: `iss` https://firebaseappcheck.googleapis.com/<number>, `aud`
 * [projects/<number>, projects/<id>], `sub` the app id, `iat`, `exp`.
 */
export class AppCheckIssuer {
  /** Made on first use: most sandboxes never see App Check, and an RSA key costs tens of milliseconds. */
  private signingKey: Promise<SigningKey> | undefined;
  private foreignKey: Promise<SigningKey> | undefined;

  constructor(
    private readonly project: AppCheckProject,
    private readonly now: () => number,
  ) {}

  async jwks(): Promise<{ keys: PublicJwk[] }> {
    return { keys: [publicJwk(await this.key())] };
  }

  async mint(input: MintAppCheckTokenInput = {}): Promise<{ token: string; ttlMillis: number }> {
    const request = parseAdminInput(mintAppCheckTokenSchema, input);
    const issuedAt = Math.floor(this.now() / 1000);
    const ttlSeconds = request.ttlSeconds ?? DEFAULT_TTL_SECONDS;
    const claims = withClaimOverrides(
      {
        sub: request.appId ?? DEFAULT_APP_ID,
        aud: [`projects/${this.project.projectNumber}`, `projects/${this.project.projectId}`],
        provider: 'debug',
        iss: `https://firebaseappcheck.googleapis.com/${this.project.projectNumber}`,
        exp: issuedAt + ttlSeconds,
        iat: issuedAt,
        jti: randomUUID(),
      },
      request.claims ?? {},
    );
    const signWith = request.signWith ?? 'sandbox';
    const published = await this.key();
    const key = signWith === 'foreign' ? await this.foreign() : published;
    const header = { alg: signWith === 'none' ? ('none' as const) : ('RS256' as const), kid: request.kid ?? published.kid, typ: request.typ ?? 'JWT' };
    return { token: signAppCheckJwt(header, claims, key.privateKey), ttlMillis: ttlSeconds * 1000 };
  }

  private key(): Promise<SigningKey> {
    this.signingKey ??= createSigningKey(this.now());
    return this.signingKey;
  }

  private foreign(): Promise<SigningKey> {
    this.foreignKey ??= createSigningKey(this.now());
    return this.foreignKey;
  }
}
