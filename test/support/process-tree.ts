import { readdirSync, readFileSync } from 'node:fs';

/** One process as /proc shows it; `startTime` (clock ticks after boot) tells a reused pid apart. */
export interface ProcessInfo {
  readonly pid: number;
  readonly ppid: number;
  readonly pgid: number;
  readonly startTime: string;
  readonly state: string;
  readonly command: string;
}

function readProcess(pid: number): ProcessInfo | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // The command name is in parentheses and may itself hold spaces or parentheses.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    const command = readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0').join(' ').trim();
    return { pid, state: fields[0]!, ppid: Number(fields[1]), pgid: Number(fields[2]), startTime: fields[19]!, command };
  } catch {
    return undefined; // gone between listing and reading
  }
}

/** Every process on the machine that has not exited (zombies have: they only wait to be reaped). */
export function liveProcesses(): ProcessInfo[] {
  return readdirSync('/proc')
    .filter((name) => /^\d+$/.test(name))
    .map((name) => readProcess(Number(name)))
    .filter((info): info is ProcessInfo => info !== undefined && info.state !== 'Z' && info.state !== 'X');
}

/** The live descendants of `root` (not `root` itself), found by walking parent links. */
export function descendantsOf(root: number, processes = liveProcesses()): ProcessInfo[] {
  const children = new Map<number, ProcessInfo[]>();
  for (const info of processes) children.set(info.ppid, [...(children.get(info.ppid) ?? []), info]);
  const found: ProcessInfo[] = [];
  const queue = [...(children.get(root) ?? [])];
  while (queue.length > 0) {
    const next = queue.shift()!;
    found.push(next);
    queue.push(...(children.get(next.pid) ?? []));
  }
  return found;
}

/**
 * What a process tree started, accumulated over several looks (so a process that was reparented
 * after its parent died is still remembered): every pid, and every process group they were in.
 */
export class ProcessRecord {
  private readonly seen = new Map<number, ProcessInfo>();

  constructor(private readonly root: number) {}

  /** Looks at the tree now and remembers what it sees; returns the whole record so far. */
  look(): ProcessInfo[] {
    const processes = liveProcesses();
    const root = processes.find((info) => info.pid === this.root);
    for (const info of [...(root ? [root] : []), ...descendantsOf(this.root, processes)]) this.seen.set(info.pid, info);
    return this.all();
  }

  all(): ProcessInfo[] {
    return [...this.seen.values()];
  }

  /** Recorded processes still alive, and any live process in a recorded process group. */
  survivors(): ProcessInfo[] {
    const groups = new Set([this.root, ...this.all().map((info) => info.pgid)]);
    const recorded = new Map(this.all().map((info) => [info.pid, info.startTime]));
    return liveProcesses().filter((info) => info.pid !== process.pid && (recorded.get(info.pid) === info.startTime || groups.has(info.pgid)));
  }

  /** SIGKILLs every survivor and its group: a failing test still leaves nothing behind. */
  killSurvivors(): void {
    const ownGroup = readProcess(process.pid)?.pgid;
    for (const info of this.survivors()) {
      for (const target of info.pgid === ownGroup ? [info.pid] : [-info.pgid, info.pid]) {
        try {
          process.kill(target, 'SIGKILL');
        } catch {
          // already gone
        }
      }
    }
  }
}
