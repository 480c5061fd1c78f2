import type { protos } from '@google-cloud/secret-manager';
import { crc32c } from './crc32c';
import { GRPC_CODE, grpcCodeName, grpcCodeOf } from './grpc-codes';
import { decodeKeyMaterial } from './key-material';
import { KEY_BYTES } from './key-source';
import { RetriesExhaustedError, type RetryDeps, type RetryPolicy, withRetry } from '../retry/retry';
import { VaultError } from './vault-error';

type AccessResponse = protos.google.cloud.secretmanager.v1.IAccessSecretVersionResponse;
type VersionResource = protos.google.cloud.secretmanager.v1.ISecretVersion;
type CallOptions = { timeout: number; retry: null };

/**
 * The two Secret Manager calls the vault makes: reading a version's key, and (for key rotation)
 * reading a version's metadata. `SecretManagerServiceClient` satisfies it; the options turn off
 * the library's own retries (its default for these calls waits up to 10 minutes) so that ours,
 * bounded and jittered, are the only ones.
 */
export interface SecretVersionAccessor {
  accessSecretVersion(request: { name: string }, options: CallOptions): Promise<[AccessResponse, ...unknown[]]>;
  getSecretVersion(request: { name: string }, options: CallOptions): Promise<[VersionResource, ...unknown[]]>;
}

export interface AccessSettings {
  client: SecretVersionAccessor;
  /** Per-attempt deadline. */
  callTimeoutMs: number;
  retry: RetryPolicy;
  retryDeps: RetryDeps;
}

export interface KeyVersion {
  /** The numeric version Secret Manager resolved the request to (also for `latest`). */
  version: string;
  key: Buffer;
}

/** UNAVAILABLE and DEADLINE_EXCEEDED as the brief says; RESOURCE_EXHAUSTED as Google's own client config does. */
const TRANSIENT_CODES = new Set<number>([GRPC_CODE.UNAVAILABLE, GRPC_CODE.DEADLINE_EXCEEDED, GRPC_CODE.RESOURCE_EXHAUSTED]);

/** What Secret Manager answers for a version that can never be read: destroyed or disabled, or none such. */
const GONE_CODES = new Set<number>([GRPC_CODE.NOT_FOUND, GRPC_CODE.FAILED_PRECONDITION]);

/** The payload was damaged on the way: worth another attempt, like a dropped connection. */
class PayloadChecksumMismatch extends Error {
  override readonly name = 'PayloadChecksumMismatch';
}

const isTransient = (error: unknown): boolean =>
  error instanceof PayloadChecksumMismatch || TRANSIENT_CODES.has(grpcCodeOf(error) ?? -1);

export interface KeyVersionMetadata {
  /** The numeric version Secret Manager resolved the request to (also for `latest`). */
  version: string;
  createdAt: Date;
}

/** Reads one secret version (a number or `latest`) and returns its 32-byte key and real version number. */
export async function accessKeyVersion(settings: AccessSettings, versionName: string): Promise<KeyVersion> {
  const { version, payload } = await accessSecretPayload(settings, versionName);
  return { version, key: keyOf(payload, versionName) };
}

export interface SecretPayload {
  /** The numeric version Secret Manager resolved the request to (also for `latest`). */
  version: string;
  payload: Uint8Array;
}

/** Reads one secret version's bytes as they are, for secrets other than the token key (the webhook secret). */
export async function accessSecretPayload(settings: AccessSettings, versionName: string): Promise<SecretPayload> {
  const response = await withSecretManagerRetry(settings, versionName, () => accessOnce(settings, versionName));
  return { version: versionNumberOf(response.name, versionName), payload: payloadBytes(response) };
}

/**
 * Reads one version's metadata (no key bytes): its real number and creation time. A version that
 * is not enabled is refused, as accessing it would be: nothing can seal with it.
 */
export async function describeKeyVersion(settings: AccessSettings, versionName: string): Promise<KeyVersionMetadata> {
  const [resource] = await withSecretManagerRetry(settings, versionName, () =>
    settings.client.getSecretVersion({ name: versionName }, { timeout: settings.callTimeoutMs, retry: null }),
  );
  const version = versionNumberOf(resource.name, versionName);
  // Enums arrive by name from the client library; by number would be the raw protobuf value.
  if (resource.state !== 'ENABLED' && resource.state !== 1) {
    throw new VaultError('key_unavailable', `${versionName} resolves to version ${version}, which is ${String(resource.state)}: nothing can be sealed with it.`);
  }
  const createdAt = dateOf(resource.createTime);
  if (!createdAt) throw new VaultError('key_unavailable', `Secret Manager's answer for ${versionName} has no create time.`);
  return { version, createdAt };
}

/** google.protobuf.Timestamp; its int64 seconds come as a decimal string, a number or a Long. */
function dateOf(timestamp: VersionResource['createTime']): Date | undefined {
  if (timestamp?.seconds === undefined || timestamp.seconds === null) return undefined;
  const seconds = Number(String(timestamp.seconds));
  return Number.isFinite(seconds) ? new Date(seconds * 1000 + Math.floor((timestamp.nanos ?? 0) / 1e6)) : undefined;
}

/** One Secret Manager call with our bounded retries; every failure becomes a key_unavailable VaultError. */
async function withSecretManagerRetry<T>(settings: AccessSettings, versionName: string, call: () => Promise<T>): Promise<T> {
  try {
    return await withRetry(call, (error) => (isTransient(error) ? { kind: 'transient' } : { kind: 'permanent' }), settings.retry, settings.retryDeps);
  } catch (caught) {
    const error = caught instanceof RetriesExhaustedError ? caught.lastError : caught;
    const reason = error instanceof PayloadChecksumMismatch ? 'checksum mismatch' : grpcCodeName(grpcCodeOf(error));
    throw new VaultError('key_unavailable', `Secret Manager did not return ${versionName} (${reason}).`, {
      transient: isTransient(error),
      // Destroyed or disabled (FAILED_PRECONDITION), or no such version (NOT_FOUND).
      gone: GONE_CODES.has(grpcCodeOf(error) ?? -1),
      cause: error,
    });
  }
}

async function accessOnce(settings: AccessSettings, name: string): Promise<AccessResponse> {
  const [response] = await settings.client.accessSecretVersion({ name }, { timeout: settings.callTimeoutMs, retry: null });
  const checksum = response.payload?.dataCrc32c;
  if (checksum !== undefined && checksum !== null && Number(String(checksum)) !== crc32c(payloadBytes(response))) {
    throw new PayloadChecksumMismatch();
  }
  return response;
}

/** Google answers with the project number and the real version, e.g. `projects/123/secrets/s/versions/4`. */
function versionNumberOf(name: string | null | undefined, requested: string): string {
  const match = /\/versions\/([1-9][0-9]*)$/.exec(name ?? '');
  if (!match?.[1]) throw new VaultError('key_unavailable', `Secret Manager's answer for ${requested} names no version number.`);
  return match[1];
}

function keyOf(payload: Uint8Array, versionName: string): Buffer {
  const key = decodeKeyMaterial(payload);
  if (!key) {
    throw new VaultError(
      'invalid_key',
      `${versionName} is not a ${KEY_BYTES}-byte key (write ${KEY_BYTES} raw bytes, or their base64 on one line).`,
    );
  }
  return key;
}

/** gRPC gives bytes; the library's REST fallback gives protobuf-JSON base64 text. */
function payloadBytes(response: AccessResponse): Uint8Array {
  const data = response.payload?.data;
  if (typeof data === 'string') return Buffer.from(data, 'base64');
  return data ?? new Uint8Array();
}
