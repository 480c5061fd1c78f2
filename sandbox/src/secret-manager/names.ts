import { status } from '@grpc/grpc-js';
import { SecretManagerFailure } from './failure';

/**
 * Resource names. Like Google, the server accepts a project id or number in requests and answers
 * with the project number (`projects/123.../secrets/s/versions/2`), so clients must not expect
 * their own project id back.
 */
export interface SecretRef {
  project: string;
  secretId: string;
}

export interface VersionRef extends SecretRef {
  /** A version number or `latest`. */
  version: string;
}

const PROJECT = /^projects\/([a-z0-9-]+)$/;
const SECRET = /^projects\/([a-z0-9-]+)\/secrets\/([A-Za-z0-9_-]{1,255})$/;
const VERSION = /^projects\/([a-z0-9-]+)\/secrets\/([A-Za-z0-9_-]{1,255})\/versions\/([1-9][0-9]*|latest)$/;

export function parseProject(name: unknown): string {
  const match = PROJECT.exec(String(name ?? ''));
  if (!match?.[1]) throw invalidName(name, 'projects/*');
  return match[1];
}

export function parseSecret(name: unknown): SecretRef {
  const match = SECRET.exec(String(name ?? ''));
  if (!match?.[1] || !match[2]) throw invalidName(name, 'projects/*/secrets/*');
  return { project: match[1], secretId: match[2] };
}

export function parseVersion(name: unknown): VersionRef {
  const match = VERSION.exec(String(name ?? ''));
  if (!match?.[1] || !match[2] || !match[3]) throw invalidName(name, 'projects/*/secrets/*/versions/*');
  return { project: match[1], secretId: match[2], version: match[3] };
}

export function isValidSecretId(secretId: unknown): secretId is string {
  return typeof secretId === 'string' && /^[A-Za-z0-9_-]{1,255}$/.test(secretId);
}

function invalidName(name: unknown, pattern: string): SecretManagerFailure {
  return new SecretManagerFailure(status.INVALID_ARGUMENT, `Invalid resource field value in the request: ${JSON.stringify(name)} does not match ${pattern}.`);
}
