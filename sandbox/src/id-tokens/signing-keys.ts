import { createHash, generateKeyPair, type KeyObject } from 'node:crypto';
import { promisify } from 'node:util';
import { selfSignedCertificatePem } from './self-signed-certificate';

const generateRsaKeyPair = promisify(generateKeyPair);

const DAY_MS = 24 * 60 * 60 * 1000;
/** Google's certificates are valid for about two weeks around the time they are published. */
const CERT_VALID_BEFORE_MS = DAY_MS;
const CERT_VALID_AFTER_MS = 14 * DAY_MS;

export interface SigningKey {
  /** 40 hex characters, like Google's kids (here: SHA-1 of the public key). */
  readonly kid: string;
  readonly privateKey: KeyObject;
  readonly publicKey: KeyObject;
  readonly certificatePem: string;
}

export interface PublicJwk {
  readonly kty: 'RSA';
  readonly alg: 'RS256';
  readonly use: 'sig';
  readonly kid: string;
  readonly n: string;
  readonly e: string;
}

export async function createSigningKey(now: number): Promise<SigningKey> {
  const { privateKey, publicKey } = await generateRsaKeyPair('rsa', { modulusLength: 2048 });
  const kid = createHash('sha1').update(publicKey.export({ type: 'spki', format: 'der' })).digest('hex');
  const certificatePem = selfSignedCertificatePem({
    privateKey,
    publicKey,
    notBefore: new Date(now - CERT_VALID_BEFORE_MS),
    notAfter: new Date(now + CERT_VALID_AFTER_MS),
  });
  return { kid, privateKey, publicKey, certificatePem };
}

export function publicJwk(key: SigningKey): PublicJwk {
  const jwk = key.publicKey.export({ format: 'jwk' });
  if (typeof jwk.n !== 'string' || typeof jwk.e !== 'string') throw new Error('RSA public key exported without n/e');
  return { kty: 'RSA', alg: 'RS256', use: 'sig', kid: key.kid, n: jwk.n, e: jwk.e };
}

export type DropKeyResult = 'dropped' | 'unknown_kid' | 'is_current';

/**
 * The keys the sandbox signs ID tokens with. One is current (signs new tokens); rotated-out keys stay
 * published, so tokens they signed still verify, until a test or demo drops them explicitly.
 */
export class SigningKeyRing {
  private constructor(private keys: SigningKey[]) {}

  static async create(now: number): Promise<SigningKeyRing> {
    return new SigningKeyRing([await createSigningKey(now)]);
  }

  get current(): SigningKey {
    const key = this.keys[this.keys.length - 1];
    if (!key) throw new Error('signing key ring is empty');
    return key;
  }

  get published(): readonly SigningKey[] {
    return [...this.keys];
  }

  async rotate(now: number): Promise<SigningKey> {
    const key = await createSigningKey(now);
    this.keys.push(key);
    return key;
  }

  drop(kid: string): DropKeyResult {
    if (kid === this.current.kid) return 'is_current';
    const before = this.keys.length;
    this.keys = this.keys.filter((key) => key.kid !== kid);
    return this.keys.length < before ? 'dropped' : 'unknown_kid';
  }
}
