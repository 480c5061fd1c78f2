import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { classifyGcloudOutput, type GcloudVerdict } from './gcloud-verdict';
import { REPO_ROOT } from './run-script';

export interface GcloudCheck {
  argv: string[];
  verdict: GcloudVerdict;
  /** gcloud's own words, for the failure message. */
  output: string;
}

export interface OfflineGcloud {
  check(argv: readonly string[]): Promise<GcloudCheck>;
  /** Deletes the empty configuration directory. */
  dispose(): void;
}

/**
 * The real gcloud with an empty configuration of its own (no account, no project, no prompts),
 * so a command can only get as far as parsing its arguments. Nothing reaches Google. It runs from
 * the repository root, as the scripts do, so relative paths in commands resolve the same way.
 */
export function offlineGcloud(options: { executable?: string; timeoutMs?: number } = {}): OfflineGcloud {
  const configDir = mkdtempSync(join(tmpdir(), 'gcloud-offline-'));
  const env = emptyGcloudEnv(configDir);
  const executable = options.executable ?? 'gcloud';
  const timeout = options.timeoutMs ?? 30_000;
  return {
    check(argv) {
      const [command, ...args] = argv;
      if (command !== 'gcloud') throw new Error(`not a gcloud command: ${argv.join(' ')}`);
      return new Promise((resolve) => {
        const child = execFile(executable, args, { env, timeout, cwd: REPO_ROOT, encoding: 'utf8' }, (error, stdout, stderr) => {
          const output = `${stdout}${stderr}`;
          const verdict = error?.killed ? 'unexpected' : classifyGcloudOutput(output);
          resolve({ argv: [...argv], verdict, output: error?.killed ? `timed out after ${timeout} ms\n${output}` : output });
        });
        child.stdin?.end();
      });
    },
    dispose() {
      rmSync(configDir, { recursive: true, force: true });
    },
  };
}

/** gcloud with no account, no prompts and no network chatter: configuration lives in `configDir` only. */
export function emptyGcloudEnv(configDir: string): NodeJS.ProcessEnv {
  return {
    PATH: process.env.PATH,
    HOME: configDir,
    CLOUDSDK_CONFIG: configDir,
    CLOUDSDK_CORE_DISABLE_PROMPTS: '1',
    CLOUDSDK_CORE_DISABLE_USAGE_REPORTING: 'true',
    CLOUDSDK_COMPONENT_MANAGER_DISABLE_UPDATE_CHECK: 'true',
  };
}
