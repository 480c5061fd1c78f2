import { type ChildProcess, spawn, type SpawnOptions } from 'node:child_process';

export interface ManagedProcess {
  readonly name: string;
  readonly child: ChildProcess;
  /** Resolves once the whole process group is gone. */
  stop(): Promise<void>;
}

/**
 * Starts a child in its own process group so that stopping it also stops what it started
 * (the gcloud emulator wrappers leave a Java child behind if only the wrapper is signalled).
 */
export function startProcess(
  name: string,
  command: string,
  args: readonly string[],
  options: SpawnOptions & { onOutput?: (line: string) => void } = {},
): ManagedProcess {
  const child = spawn(command, args, { ...options, detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
  const exited = new Promise<void>((resolve) => {
    if (child.exitCode !== null || child.signalCode !== null) resolve();
    child.once('exit', () => resolve());
    child.once('error', () => resolve());
  });
  const forward = (chunk: Buffer): void => {
    if (!options.onOutput) return;
    for (const line of chunk.toString('utf8').split('\n')) if (line.trim()) options.onOutput(line);
  };
  child.stdout?.on('data', forward);
  child.stderr?.on('data', forward);

  const signalGroup = (signal: NodeJS.Signals): void => {
    if (child.pid === undefined) return;
    try {
      process.kill(-child.pid, signal);
    } catch {
      // The group is already gone.
    }
  };

  return {
    name,
    child,
    async stop() {
      signalGroup('SIGTERM');
      let timer: NodeJS.Timeout | undefined;
      const killed = await Promise.race([
        exited.then(() => true),
        new Promise<boolean>((r) => {
          timer = setTimeout(() => r(false), 5_000);
        }),
      ]);
      clearTimeout(timer);
      // Java children may outlive the wrapper even after it exits: always sweep the group.
      signalGroup('SIGKILL');
      if (!killed) await exited;
    },
  };
}
