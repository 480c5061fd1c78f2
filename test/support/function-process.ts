import { randomUUID } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startFunction, type RunningFunction } from '../../scripts/lib/functions-process';
import { freePort } from '../../scripts/lib/ports';
import { generateKeyFile } from '../../functions/src/tokens/file-key-source';
import type { SandboxGoogle } from '../../sandbox/src/server';
import { TEST_CLIENT } from './sandbox';

export interface FunctionUnderTest {
  readonly url: string;
  readonly projectId: string;
  readonly keyFile: string;
  /** Every line the function process wrote to stdout or stderr. */
  readonly logs: string[];
  /** The function's own process (Node running functions-framework), for reading /proc. */
  readonly pid: number;
  /** SIGKILL: the instance dies where it is, as a crash would end it (no shutdown code runs). */
  kill(): void;
  stop(): Promise<void>;
}

/** The environment a function gets in tests: the production variables, pointed at the sandbox and emulator. */
export function sandboxEnv(sandbox: SandboxGoogle, projectId: string, keyFile: string): NodeJS.ProcessEnv {
  return {
    PATH: process.env.PATH,
    NODE_ENV: 'test',
    METADATA_SERVER_DETECTION: 'none',
    FIRESTORE_EMULATOR_HOST: process.env.FIRESTORE_EMULATOR_HOST,
    PUBSUB_EMULATOR_HOST: process.env.PUBSUB_EMULATOR_HOST,
    GOOGLE_CLOUD_PROJECT: projectId,
    GOOGLE_OAUTH_CLIENT_ID: TEST_CLIENT.clientId,
    GOOGLE_OAUTH_CLIENT_SECRET: TEST_CLIENT.clientSecret,
    GOOGLE_OAUTH_TOKEN_URL: sandbox.endpoints.tokenUrl,
    GOOGLE_OAUTH_CERTS_URL: sandbox.endpoints.pemCertsUrl,
    GOOGLE_OAUTH_REVOKE_URL: sandbox.endpoints.revokeUrl,
    GOOGLE_API_ROOT_URL: sandbox.endpoints.apiRootUrl,
    PHOTOS_PICKER_ROOT_URL: sandbox.endpoints.photosPickerRootUrl,
    PHOTOS_LIBRARY_ROOT_URL: sandbox.endpoints.photosLibraryRootUrl,
    RISC_CONFIG_URL: sandbox.endpoints.riscConfigUrl,
    TOKEN_KEY_FILE: keyFile,
    // Lifecycle events are off unless a test turns them on (test/integration/events/ does, with its own topic).
    USER_EVENTS_TOPIC: '',
  };
}

export function newTestProjectId(label: string): string {
  return `test-${label}-${randomUUID().slice(0, 8)}`;
}

export function newKeyFile(): string {
  const path = join(mkdtempSync(join(tmpdir(), 'offline-access-key-')), 'token-key');
  generateKeyFile(path);
  return path;
}

/**
 * Runs one function as production does (functions-framework, compiled `functions/lib`, config
 * from the environment). `npm test` builds first; run `npm run build` before calling jest directly.
 */
export async function startFunctionUnderTest(
  target: string,
  sandbox: SandboxGoogle,
  overrides: NodeJS.ProcessEnv = {},
): Promise<FunctionUnderTest> {
  const projectId = overrides.GOOGLE_CLOUD_PROJECT ?? newTestProjectId(target.toLowerCase().slice(0, 12));
  const keyFile = overrides.TOKEN_KEY_FILE ?? newKeyFile();
  const logs: string[] = [];
  const fn: RunningFunction = await startFunction(
    target,
    await freePort(),
    { ...sandboxEnv(sandbox, projectId, keyFile), ...overrides },
    (line) => logs.push(line),
  );
  return { url: fn.url, projectId, keyFile, logs, pid: fn.child.pid!, kill: () => fn.child.kill('SIGKILL'), stop: () => fn.stop() };
}
