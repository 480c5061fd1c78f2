import { execFile } from 'node:child_process';
import { join } from 'node:path';

export const REPO_ROOT = join(__dirname, '..', '..');

export interface ScriptResult {
  code: number;
  stdout: string;
  stderr: string;
}

/**
 * Runs one of the infra scripts with bash, with the environment given (nothing else is
 * inherited but PATH), and a timeout so a hanging script fails instead of blocking.
 */
export function runInfraScript(
  script: 'deploy.sh' | 'teardown.sh' | 'rotate-key.sh',
  args: readonly string[],
  env: Record<string, string> = {},
  timeoutMs = 60_000,
): Promise<ScriptResult> {
  return new Promise((resolve, reject) => {
    execFile(
      'bash',
      ['--norc', join(REPO_ROOT, 'infra', script), ...args],
      { env: { PATH: process.env.PATH ?? '/usr/bin:/bin', ...env }, timeout: timeoutMs, encoding: 'utf8', maxBuffer: 16 * 1024 * 1024 },
      (error, stdout, stderr) => {
        if (error?.killed) {
          reject(new Error(`infra/${script} timed out after ${timeoutMs} ms`));
          return;
        }
        const code = error === null ? 0 : typeof error.code === 'number' ? error.code : 1;
        resolve({ code, stdout, stderr });
      },
    );
  });
}
