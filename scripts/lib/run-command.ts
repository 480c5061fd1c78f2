import { spawn } from 'node:child_process';
import { createInterface } from 'node:readline';

export interface RunCommandOptions {
  readonly cwd?: string;
  readonly env?: NodeJS.ProcessEnv;
  /** Killed (SIGKILL) after this long; the result says so. */
  readonly timeoutMs: number;
  /** Each whole line of stdout and stderr, as it arrives. */
  readonly onLine?: (line: string, stream: 'stdout' | 'stderr') => void;
}

export interface CommandResult {
  /** The exit code; null when a signal ended it. */
  readonly code: number | null;
  readonly timedOut: boolean;
}

/**
 * Runs a command to completion, its output handed over line by line (never half a line, whatever
 * the pipe's chunking). A command that cannot be started (not installed) rejects with a message naming it.
 */
export function runCommand(command: string, args: readonly string[], options: RunCommandOptions): Promise<CommandResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { cwd: options.cwd, env: options.env, stdio: ['ignore', 'pipe', 'pipe'] });
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      child.kill('SIGKILL');
    }, options.timeoutMs);
    const streams = [
      ['stdout', child.stdout],
      ['stderr', child.stderr],
    ] as const;
    const closed = streams.map(
      ([name, stream]) =>
        new Promise<void>((done) => {
          const lines = createInterface({ input: stream, crlfDelay: Infinity });
          lines.on('line', (line) => options.onLine?.(line, name));
          lines.once('close', done);
        }),
    );
    child.once('error', (error: NodeJS.ErrnoException) => {
      clearTimeout(timer);
      reject(new Error(error.code === 'ENOENT' ? `${command} was not found: is it installed and on PATH?` : `${command} failed to start: ${error.message}`));
    });
    child.once('close', (code) => {
      clearTimeout(timer);
      void Promise.all(closed).then(() => resolve({ code, timedOut }));
    });
  });
}
