import { OAuth2Client } from 'google-auth-library';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { drive_v3 } from '@googleapis/drive';
import { createDriveClient, type DriveRetryPolicy } from '../../../functions/src/drive';
import type { JobCursor, OfflineJob, OfflineJobResult } from '../../../functions/src/jobs';
import { createLogger } from '../../../functions/src/logging/logger';
import { type SandboxGoogle, startSandboxGoogle } from '../../../sandbox/src/server';

/**
 * What the photo job's integration tests share: a sandbox Google per test file, a Drive seeded
 * through the sandbox's admin API (as the mobile app would fill it), and a way to run the job the
 * way the worker does, capturing every log line it writes.
 */
export const APPDATA_SCOPE = 'https://www.googleapis.com/auth/drive.appdata';
const CLIENT = { clientId: 'photo-job-test.apps.googleusercontent.com', clientSecret: 'unused', redirectUris: [] };
const FIXTURES = join(__dirname, '..', '..', '..', 'sandbox', 'fixtures', 'photos');

export interface SandboxFile {
  id: string;
  name: string;
  mimeType: string;
  appProperties: Record<string, string>;
  trashed: boolean;
  parents: string[];
  size: number;
  contentBase64?: string;
}

export interface DriveStats {
  totalCalls: number;
  calls: Record<string, number | undefined>;
  uploads: number;
  downloads: number;
  injectedFaults: number;
}

export function startSandbox(): Promise<SandboxGoogle> {
  return startSandboxGoogle({ clients: [CLIENT] });
}

export function fixture(name: string): Buffer {
  return readFileSync(join(FIXTURES, name));
}

export function mimeTypeOf(name: string): string {
  if (name.endsWith('.png')) return 'image/png';
  if (name.endsWith('.webp')) return 'image/webp';
  if (name.endsWith('.jpg')) return 'image/jpeg';
  return 'application/octet-stream';
}

/** One sandbox user: a fresh id (so tests never see each other's files), a token and admin helpers. */
export class SandboxUser {
  readonly id: string;
  readonly accessToken: string;

  constructor(
    readonly sandbox: SandboxGoogle,
    label: string,
  ) {
    this.id = `${label}-${Math.random().toString(36).slice(2, 10)}`;
    this.accessToken = sandbox.accessTokens.issue({ sub: this.id, clientId: CLIENT.clientId, scopes: [APPDATA_SCOPE], lifetimeSeconds: 3600 }).token;
  }

  drive(options: { timeoutMs?: number; retry?: Partial<DriveRetryPolicy> } = {}): drive_v3.Drive {
    return createDriveClient({
      accessToken: this.accessToken,
      rootUrl: this.sandbox.endpoints.apiRootUrl,
      timeoutMs: options.timeoutMs ?? 10_000,
      ...(options.retry ? { retry: options.retry } : {}),
    });
  }

  /** Puts a file in the user's app data folder, as the mobile app does. */
  async put(
    name: string,
    content: Buffer,
    options: { mimeType?: string; appProperties?: Record<string, string>; abusive?: boolean; parents?: string[] } = {},
  ): Promise<SandboxFile> {
    const body = {
      name,
      mimeType: options.mimeType ?? mimeTypeOf(name),
      contentBase64: content.toString('base64'),
      appProperties: options.appProperties,
      abusive: options.abusive,
      parents: options.parents,
    };
    const answer = await this.admin('POST', 'files', body);
    return (answer as { file: SandboxFile }).file;
  }

  putFixture(name: string): Promise<SandboxFile> {
    return this.put(name, fixture(name));
  }

  async files(includeContent = false): Promise<SandboxFile[]> {
    return ((await this.admin('GET', `files${includeContent ? '?includeContent=true' : ''}`)) as { files: SandboxFile[] }).files;
  }

  async stats(): Promise<DriveStats> {
    return (await this.admin('GET', 'stats')) as DriveStats;
  }

  async setFaults(faults: Record<string, unknown>): Promise<void> {
    await this.admin('PUT', 'faults', faults);
  }

  /** The user's Google storage limit in bytes (null: unlimited); Drive refuses uploads past it. */
  async setStorageLimit(limitBytes: number | null): Promise<void> {
    await this.admin('PUT', 'storage', { limitBytes });
  }

  private async admin(method: string, path: string, body?: unknown): Promise<unknown> {
    const response = await fetch(`${this.sandbox.url}/__admin/drive/users/${encodeURIComponent(this.id)}/${path}`, {
      method,
      ...(body === undefined ? {} : { headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) }),
      signal: AbortSignal.timeout(5_000),
    });
    const text = await response.text();
    if (!response.ok) throw new Error(`sandbox admin ${method} ${path} answered ${response.status}: ${text}`);
    return text ? (JSON.parse(text) as unknown) : undefined;
  }
}

export interface RunOptions {
  cursor?: JobCursor | undefined;
  drive?: drive_v3.Drive;
  /** Pretend the deadline passes once this many photos have been handled. */
  stopAfterPhotos?: number;
  /** As the worker passes it: runs before this one that never finished (0 unless told). */
  unfinishedRuns?: number;
}

export interface Run {
  result: OfflineJobResult;
  logs: string[];
}

/** Runs the job as the worker does; with `stopAfterPhotos`, the clock jumps past the deadline then. */
export async function runJob(job: OfflineJob, user: SandboxUser, options: RunOptions = {}): Promise<Run> {
  const logs: string[] = [];
  let handled = 0;
  const logger = createLogger({}, (line) => {
    logs.push(line);
    if (line.includes('"photo handled"')) handled += 1;
  });
  const deadline = Date.now() + 60_000;
  const now = (): number => (options.stopAfterPhotos !== undefined && handled >= options.stopAfterPhotos ? deadline : Date.now());
  const auth = new OAuth2Client();
  auth.setCredentials({ access_token: user.accessToken });
  const result = await job.run({ user: { id: user.id }, drive: options.drive ?? user.drive(), auth, cursor: options.cursor, logger, deadline, signal: new AbortController().signal, now, unfinishedRuns: options.unfinishedRuns ?? 0 });
  return { result, logs };
}

export function resultsOf(files: SandboxFile[], source: SandboxFile): SandboxFile[] {
  return files.filter((file) => file.appProperties.derivedFrom === source.id);
}

export function byName(files: SandboxFile[], name: string): SandboxFile {
  const file = files.find((candidate) => candidate.name === name);
  if (!file) throw new Error(`no file named ${name} among ${files.map((f) => f.name).join(', ')}`);
  return file;
}
