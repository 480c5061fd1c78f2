import { type ChildProcess, spawn, type SpawnOptions } from 'node:child_process';

export interface ManagedProcess {
  readonly name: string;
  readonly child: ChildProcess;
  /** Resolves once the whole process group is gone. Calling it again returns the same stop. */
  stop(): Promise<void>;
}

const STOP_GRACE_MS = 5_000;
/** A SIGKILLed group's members that still show after this (not yet reaped) are not waited for. */
const GROUP_GONE_MS = 2_000;

interface ProcessGroup {
  signal(name: NodeJS.Signals | 0): void;
  /** Whether anything is left in the group; once not, the group is never signalled again. */
  alive(): boolean;
  /** Waits until nothing is left in the group (a SIGKILLed Java takes a moment to die), or `ms` passed. */
  gone(ms: number): Promise<void>;
}

/** Every process group started here that may still have members, whether or not its leader runs. */
const running = new Map<ManagedProcess, ProcessGroup>();
let refusing = false;

/**
 * Starts a child in its own process group so that stopping it also stops what it started
 * (the gcloud emulator wrappers leave a Java child behind if only the wrapper is signalled).
 * In a group of its own it gets no Ctrl-C from the terminal: this process must stop it (`stop()`,
 * `stopAllProcesses()`), and if it exits without doing so (process.exit, an uncaught error:
 * anything short of being SIGKILLed itself), the group is SIGKILLed on the way out.
 */
export function startProcess(
  name: string,
  command: string,
  args: readonly string[],
  options: SpawnOptions & { onOutput?: (line: string) => void } = {},
): ManagedProcess {
  if (refusing) throw new Error(`Not starting ${name}: this process is shutting down`);
  killAllAtExit();
  const child = spawn(command, args, { ...options, detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
  const group = processGroup(child);
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

  let stopped: Promise<void> | undefined;
  const stopGroup = async (): Promise<void> => {
    group.signal('SIGTERM');
    let timer: NodeJS.Timeout | undefined;
    const exitedInTime = await Promise.race([
      exited.then(() => true),
      new Promise<boolean>((r) => {
        timer = setTimeout(() => r(false), STOP_GRACE_MS);
      }),
    ]);
    clearTimeout(timer);
    // Java children may outlive the wrapper even after it exits: always sweep the group.
    group.signal('SIGKILL');
    if (!exitedInTime) await exited;
    await group.gone(GROUP_GONE_MS);
    running.delete(managed);
  };
  const managed: ManagedProcess = {
    name,
    child,
    // The SIGTERM goes out synchronously, on the first call.
    stop: () => (stopped ??= stopGroup()),
  };
  running.set(managed, group);
  // A leader that exits alone (killed, crashed) with nothing left in its group needs no stopping.
  void exited.then(() => {
    if (!group.alive()) running.delete(managed);
  });
  return managed;
}

/**
 * Stops every process group this process started, all at once, and refuses to start any more
 * (a stack half-way through starting cannot add a process after its shutdown began). The SIGTERMs
 * are all sent before this returns; the promise resolves once every group is gone.
 */
export function stopAllProcesses(): Promise<void> {
  refusing = true;
  return Promise.all([...running.keys()].map((managed) => managed.stop())).then(() => undefined);
}

/**
 * Signals to a child's process group. Once the group is seen empty it is never signalled again:
 * its id may then be reused (pids wrap quickly: often at 32768) by somebody else's group.
 */
function processGroup(child: ChildProcess): ProcessGroup {
  let empty = child.pid === undefined;
  const signal = (name: NodeJS.Signals | 0): void => {
    if (empty) return;
    try {
      process.kill(-child.pid!, name);
    } catch {
      empty = true;
    }
  };
  const alive = (): boolean => {
    signal(0);
    return !empty;
  };
  return {
    signal,
    alive,
    async gone(ms) {
      const deadline = Date.now() + ms;
      while (alive() && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 20));
    },
  };
}

let exitHookInstalled = false;

/** Whatever makes this process exit (process.exit, an uncaught error, the end of its work). */
function killAllAtExit(): void {
  if (exitHookInstalled) return;
  exitHookInstalled = true;
  process.once('exit', () => {
    for (const group of running.values()) group.signal('SIGKILL');
  });
}
