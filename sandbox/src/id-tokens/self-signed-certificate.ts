import { type KeyObject, randomBytes, sign } from 'node:crypto';
import {
  bitString,
  explicit,
  nullValue,
  objectIdentifier,
  sequence,
  set,
  smallInteger,
  unsignedInteger,
  utcTime,
  utf8String,
} from './der';

/**
 * Google publishes its ID-token keys at /oauth2/v1/certs as self-signed X.509 certificates
 * (issuer and subject `federated-signon.system.gserviceaccount.com`, about two weeks valid), and
 * verifiers may insist on a certificate rather than a bare public key, so the sandbox does the same.
 */
export const GOOGLE_CERT_COMMON_NAME = 'federated-signon.system.gserviceaccount.com';

const SHA256_WITH_RSA = '1.2.840.113549.1.1.11';
const COMMON_NAME = '2.5.4.3';

export interface CertificateRequest {
  readonly privateKey: KeyObject;
  readonly publicKey: KeyObject;
  readonly notBefore: Date;
  readonly notAfter: Date;
  readonly commonName?: string;
}

export function selfSignedCertificatePem(request: CertificateRequest): string {
  const name = sequence(set(sequence(objectIdentifier(COMMON_NAME), utf8String(request.commonName ?? GOOGLE_CERT_COMMON_NAME))));
  const algorithm = sequence(objectIdentifier(SHA256_WITH_RSA), nullValue());
  const serial = randomBytes(8);
  serial[0] = (serial[0] ?? 0) & 0x7f; // serial numbers must be positive
  const toBeSigned = sequence(
    explicit(0, smallInteger(2)), // v3
    unsignedInteger(serial),
    algorithm,
    name,
    sequence(utcTime(request.notBefore), utcTime(request.notAfter)),
    name,
    request.publicKey.export({ type: 'spki', format: 'der' }),
  );
  const signature = sign('sha256', toBeSigned, request.privateKey);
  const der = sequence(toBeSigned, algorithm, bitString(signature));
  return toPem(der);
}

function toPem(der: Buffer): string {
  const lines = der.toString('base64').match(/.{1,64}/g) ?? [];
  return `-----BEGIN CERTIFICATE-----\n${lines.join('\n')}\n-----END CERTIFICATE-----\n`;
}
