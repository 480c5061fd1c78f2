import { status } from '@grpc/grpc-js';
import { crc32cBitwise } from './crc32c';
import { SecretManagerFailure } from './failure';
import { parseProject, parseSecret, parseVersion, isValidSecretId, type SecretRef, type VersionRef } from './names';

export type VersionState = 'ENABLED' | 'DISABLED' | 'DESTROYED';

interface StoredVersion {
  number: number;
  state: VersionState;
  /** Gone once destroyed, as with Google. */
  data: Buffer | undefined;
  createTime: number;
  destroyTime: number | undefined;
  clientSpecifiedPayloadChecksum: boolean;
}

interface StoredSecret {
  name: string;
  createTime: number;
  labels: Record<string, string>;
  versions: StoredVersion[];
}

/** google.protobuf.Timestamp as proto-loader writes it (int64 as a decimal string). */
export interface Timestamp {
  seconds: string;
  nanos: number;
}

export interface SecretResource {
  name: string;
  createTime: Timestamp;
  labels: Record<string, string>;
  replication: { automatic: Record<string, never> };
  etag: string;
}

export interface VersionResource {
  name: string;
  createTime: Timestamp;
  destroyTime?: Timestamp;
  state: VersionState;
  etag: string;
  clientSpecifiedPayloadChecksum: boolean;
}

export interface AccessedVersion {
  name: string;
  data: Buffer;
  crc32c: number;
}

/** Google's limit on one version's payload. */
export const MAX_PAYLOAD_BYTES = 64 * 1024;

/**
 * Secret Manager's data model and rules, in memory: secrets, numbered immutable versions,
 * `latest` = the most recently created version whatever its state, disabled or destroyed versions
 * refuse access with FAILED_PRECONDITION, destroyed data is gone for good.
 */
export class SecretStore {
  private readonly secrets = new Map<string, StoredSecret>();
  private readonly projectNumbers = new Map<string, string>();

  constructor(private readonly now: () => number = Date.now) {}

  createSecret(parent: unknown, secretId: unknown, labels: Record<string, string> = {}): SecretResource {
    const project = this.projectNumber(parseProject(parent));
    if (!isValidSecretId(secretId)) {
      throw new SecretManagerFailure(status.INVALID_ARGUMENT, 'Secret ID must be 1-255 letters, digits, underscores or hyphens.');
    }
    const name = `projects/${project}/secrets/${secretId}`;
    if (this.secrets.has(name)) throw new SecretManagerFailure(status.ALREADY_EXISTS, `Secret [${name}] already exists.`);
    const secret: StoredSecret = { name, createTime: this.now(), labels: { ...labels }, versions: [] };
    this.secrets.set(name, secret);
    return secretResource(secret);
  }

  getSecret(name: unknown): SecretResource {
    return secretResource(this.secret(parseSecret(name)));
  }

  deleteSecret(name: unknown): void {
    this.secrets.delete(this.secret(parseSecret(name)).name);
  }

  addVersion(parent: unknown, data: Buffer, checksum: string | undefined): VersionResource {
    const secret = this.secret(parseSecret(parent));
    if (data.length > MAX_PAYLOAD_BYTES) {
      throw new SecretManagerFailure(status.INVALID_ARGUMENT, `Secret payload is larger than ${MAX_PAYLOAD_BYTES} bytes.`);
    }
    if (checksum !== undefined && Number(checksum) !== crc32cBitwise(data)) {
      throw new SecretManagerFailure(status.INVALID_ARGUMENT, 'Checksum mismatch: the payload does not match data_crc32c.');
    }
    const version: StoredVersion = {
      number: secret.versions.length + 1,
      state: 'ENABLED',
      data: Buffer.from(data),
      createTime: this.now(),
      destroyTime: undefined,
      clientSpecifiedPayloadChecksum: checksum !== undefined,
    };
    secret.versions.push(version);
    return versionResource(secret, version);
  }

  getVersion(name: unknown): VersionResource {
    const { secret, version } = this.version(parseVersion(name));
    return versionResource(secret, version);
  }

  accessVersion(name: unknown): AccessedVersion {
    const { secret, version } = this.version(parseVersion(name));
    const versionName = `${secret.name}/versions/${version.number}`;
    if (version.state !== 'ENABLED' || version.data === undefined) {
      throw new SecretManagerFailure(status.FAILED_PRECONDITION, `Secret Version [${versionName}] is in ${version.state} state.`);
    }
    return { name: versionName, data: Buffer.from(version.data), crc32c: crc32cBitwise(version.data) };
  }

  /** Newest first, as Google lists them. The page token is the offset, opaque to clients. */
  listVersions(parent: unknown, pageSize: number, pageToken: string): { versions: VersionResource[]; nextPageToken: string; totalSize: number } {
    const secret = this.secret(parseSecret(parent));
    const offset = pageToken === '' ? 0 : Number(pageToken);
    if (!Number.isInteger(offset) || offset < 0) throw new SecretManagerFailure(status.INVALID_ARGUMENT, 'Invalid page token.');
    const size = pageSize > 0 ? Math.min(pageSize, 25_000) : 25_000;
    const newestFirst = [...secret.versions].reverse();
    const page = newestFirst.slice(offset, offset + size);
    const next = offset + page.length;
    return {
      versions: page.map((version) => versionResource(secret, version)),
      nextPageToken: next < newestFirst.length ? String(next) : '',
      totalSize: newestFirst.length,
    };
  }

  changeState(name: unknown, action: 'enable' | 'disable' | 'destroy'): VersionResource {
    const ref = parseVersion(name);
    if (ref.version === 'latest') {
      throw new SecretManagerFailure(status.INVALID_ARGUMENT, `${action} needs an explicit version number, not the latest alias.`);
    }
    const { secret, version } = this.version(ref);
    if (version.state === 'DESTROYED') {
      throw new SecretManagerFailure(status.FAILED_PRECONDITION, `Secret Version [${secret.name}/versions/${version.number}] is in DESTROYED state.`);
    }
    if (action === 'destroy') {
      version.state = 'DESTROYED';
      version.data = undefined;
      version.destroyTime = this.now();
    } else {
      version.state = action === 'enable' ? 'ENABLED' : 'DISABLED';
    }
    return versionResource(secret, version);
  }

  /** Project ids are answered with a stable made-up project number, as Google answers with the real one. */
  private projectNumber(project: string): string {
    if (/^[0-9]+$/.test(project)) return project;
    let number = this.projectNumbers.get(project);
    if (number === undefined) {
      number = String(100_000_000_001 + this.projectNumbers.size);
      this.projectNumbers.set(project, number);
    }
    return number;
  }

  private secret(ref: SecretRef): StoredSecret {
    const name = `projects/${this.projectNumber(ref.project)}/secrets/${ref.secretId}`;
    const secret = this.secrets.get(name);
    if (!secret) throw new SecretManagerFailure(status.NOT_FOUND, `Secret [${name}] not found or has no versions.`);
    return secret;
  }

  private version(ref: VersionRef): { secret: StoredSecret; version: StoredVersion } {
    const secret = this.secret(ref);
    const version = ref.version === 'latest' ? secret.versions.at(-1) : secret.versions[Number(ref.version) - 1];
    if (!version) {
      throw new SecretManagerFailure(status.NOT_FOUND, `Secret Version [${secret.name}/versions/${ref.version}] not found.`);
    }
    return { secret, version };
  }
}

function timestamp(epochMs: number): Timestamp {
  return { seconds: String(Math.floor(epochMs / 1000)), nanos: (epochMs % 1000) * 1_000_000 };
}

function secretResource(secret: StoredSecret): SecretResource {
  return {
    name: secret.name,
    createTime: timestamp(secret.createTime),
    labels: { ...secret.labels },
    replication: { automatic: {} },
    etag: `"${secret.createTime.toString(16)}"`,
  };
}

function versionResource(secret: StoredSecret, version: StoredVersion): VersionResource {
  return {
    name: `${secret.name}/versions/${version.number}`,
    createTime: timestamp(version.createTime),
    ...(version.destroyTime === undefined ? {} : { destroyTime: timestamp(version.destroyTime) }),
    state: version.state,
    etag: `"${version.number}-${version.state.toLowerCase()}"`,
    clientSpecifiedPayloadChecksum: version.clientSpecifiedPayloadChecksum,
  };
}
