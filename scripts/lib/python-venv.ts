import { createHash } from 'node:crypto';
import { existsSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { runCommand } from './run-command';

export interface PythonVenvOptions {
  /** The virtual environment's folder (git-ignored). */
  readonly dir: string;
  /** Pinned requirements; the environment is rebuilt whenever this file changes. */
  readonly requirementsFile: string;
  /** pip's whole output goes here, and its tail into the error when pip fails. */
  readonly logFile: string;
}

export interface PythonVenv {
  readonly python: string;
  /** False when it was (re)built by this call. */
  readonly reused: boolean;
}

const VENV_TIMEOUT_MS = 120_000;
const PIP_TIMEOUT_MS = 600_000;
const STAMP = '.requirements.sha256';

/**
 * A Python virtual environment with exactly the pinned requirements, built with `python3 -m venv`
 * and pip (which installs from whatever index pip is configured with). Kept between runs while
 * the requirements file is unchanged.
 */
export async function ensurePythonVenv(options: PythonVenvOptions): Promise<PythonVenv> {
  const python = join(options.dir, 'bin', 'python');
  const stampFile = join(options.dir, STAMP);
  const wanted = createHash('sha256').update(readFileSync(options.requirementsFile)).digest('hex');
  if (existsSync(python) && existsSync(stampFile) && readFileSync(stampFile, 'utf8') === wanted) return { python, reused: true };

  rmSync(options.dir, { recursive: true, force: true });
  const log: string[] = [];
  const collect = (line: string) => log.push(line);
  await expectSuccess('python3 -m venv', runCommand('python3', ['-m', 'venv', options.dir], { timeoutMs: VENV_TIMEOUT_MS, onLine: collect }), log, options);
  // One retry per index: an index that cannot be reached at all (no internet) costs a second, not minutes.
  const pip = ['-m', 'pip', 'install', '--disable-pip-version-check', '--no-input', '--retries', '1', '-r', options.requirementsFile];
  await expectSuccess('pip install', runCommand(python, pip, { timeoutMs: PIP_TIMEOUT_MS, onLine: collect }), log, options);
  writeFileSync(options.logFile, `${log.join('\n')}\n`);
  writeFileSync(stampFile, wanted);
  return { python, reused: false };
}

async function expectSuccess(
  what: string,
  run: ReturnType<typeof runCommand>,
  log: readonly string[],
  options: PythonVenvOptions,
): Promise<void> {
  const result = await run;
  if (result.code === 0) return;
  writeFileSync(options.logFile, `${log.join('\n')}\n`);
  rmSync(options.dir, { recursive: true, force: true });
  const why = result.timedOut ? 'timed out' : `exited with ${result.code ?? 'a signal'}`;
  throw new Error(`${what} ${why}; its last lines (all in ${options.logFile}):\n${log.slice(-15).join('\n')}`);
}
