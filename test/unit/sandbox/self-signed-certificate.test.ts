import { generateKeyPairSync, X509Certificate } from 'node:crypto';
import { objectIdentifier, unsignedInteger, utcTime } from '../../../sandbox/src/id-tokens/der';
import { selfSignedCertificatePem } from '../../../sandbox/src/id-tokens/self-signed-certificate';

describe('DER building blocks', () => {
  it('encodes an OID with multi-byte arcs (sha256WithRSAEncryption)', () => {
    expect(objectIdentifier('1.2.840.113549.1.1.11').toString('hex')).toBe('06092a864886f70d01010b');
  });

  it('keeps integers positive with a leading zero and drops redundant ones', () => {
    expect(unsignedInteger(Buffer.from([0x80])).toString('hex')).toBe('02020080');
    expect(unsignedInteger(Buffer.from([0x00, 0x00, 0x7f])).toString('hex')).toBe('02017f');
  });

  it('writes UTCTime as YYMMDDHHMMSSZ', () => {
    expect(utcTime(new Date('2026-01-02T03:04:05.678Z')).subarray(2).toString('ascii')).toBe('260102030405Z');
  });
});

describe('selfSignedCertificatePem', () => {
  const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  const other = generateKeyPairSync('rsa', { modulusLength: 2048 });
  const notBefore = new Date('2026-03-01T00:00:00Z');
  const notAfter = new Date('2026-03-15T00:00:00Z');
  const certificate = new X509Certificate(selfSignedCertificatePem({ privateKey, publicKey, notBefore, notAfter }));

  it('is a certificate Node parses, carrying the public key, with Google-like names and validity', () => {
    expect(certificate.publicKey.equals(publicKey)).toBe(true);
    expect(certificate.subject).toBe('CN=federated-signon.system.gserviceaccount.com');
    expect(certificate.issuer).toBe(certificate.subject);
    expect(new Date(certificate.validFrom).toISOString()).toBe(notBefore.toISOString());
    expect(new Date(certificate.validTo).toISOString()).toBe(notAfter.toISOString());
  });

  it('is signed by its own key and by no other', () => {
    expect(certificate.verify(publicKey)).toBe(true);
    expect(certificate.verify(other.publicKey)).toBe(false);
  });
});
