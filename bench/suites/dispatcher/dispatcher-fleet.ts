import { freePort } from '../../../scripts/lib/ports';
import { type SpawnedFunction, startServingFunction } from '../../lib/function-process';
import { firestoreOpCounter, type OpCounter } from '../../lib/op-counts';

/** One 'Shard dispatched' line of a dispatcher's log: one shard run, as the product reports it. */
export interface ShardRunLog {
  /** Which process of the fleet logged it. */
  process: number;
  /** When the bench read the line (ms since the epoch). */
  at: number;
  shard: number;
  dispatched: number;
  batches: number;
  truncated: boolean;
  lostRaces: number;
  claimsPerSecond: number;
}

export interface DispatcherInstance {
  readonly fn: SpawnedFunction;
  readonly ops: OpCounter;
  /** SIGKILLed by the bench. */
  killed: boolean;
  /** Exited without being killed: a crash (functions-framework exits 16 on an unhandled error). */
  crashed: boolean;
  /** The process's last output lines other than shard runs, for a crash report. */
  readonly tail: string[];
}

/**
 * Dispatcher processes as deployed (functions-framework serving the compiled functions/lib, each
 * with the Firestore op counter preloaded), like the instances Cloud Run starts behind one URL.
 * Every shard run's log line is collected; anything the product logs as an error is kept too.
 */
export class DispatcherFleet {
  readonly runs: ShardRunLog[] = [];
  /** Warnings and errors the dispatchers logged, and every crash with the output before it. */
  readonly problems: string[] = [];

  private stopping = false;

  private constructor(readonly instances: DispatcherInstance[]) {}

  static async start(count: number, env: NodeJS.ProcessEnv): Promise<DispatcherFleet> {
    const fleet = new DispatcherFleet([]);
    try {
      for (let i = 0; i < count; i += 1) {
        const ops = firestoreOpCounter();
        const tail: string[] = [];
        const fn = await startServingFunction({
          target: 'dispatchOfflineWork',
          port: await freePort(),
          env: { ...env, ...ops.env },
          nodeArgs: ops.nodeArgs,
          onOutput: (line) => fleet.onLine(i, line, tail),
        });
        const instance: DispatcherInstance = { fn, ops, killed: false, crashed: false, tail };
        fleet.instances.push(instance);
        fn.proc.child.once('exit', (code, signal) => {
          if (instance.killed || fleet.stopping) return;
          instance.crashed = true;
          fleet.problems.push(`dispatcher ${i + 1} exited by itself (code ${code}, signal ${signal}); its last lines: ${tail.join(' | ')}`);
        });
      }
    } catch (error) {
      await fleet.stop();
      throw error;
    }
    return fleet;
  }

  /** URLs of the processes still alive (where a load balancer would send requests). */
  liveUrls(): string[] {
    return this.instances.filter((i) => !i.killed && !i.crashed).map((i) => i.fn.url);
  }

  crashes(): number {
    return this.instances.filter((i) => i.crashed).length;
  }

  /** SIGKILL, as an instance crashes: no shutdown hook runs, requests in flight are cut. */
  kill(index: number): void {
    const instance = this.instances[index]!;
    instance.killed = true;
    const pid = instance.fn.proc.child.pid;
    if (pid !== undefined) process.kill(pid, 'SIGKILL');
  }

  /** Firestore reads and writes of every process (a killed process's last flush, 200 ms before its death, counts). */
  async ops(): Promise<{ reads: number; writes: number }> {
    const counts = await Promise.all(this.instances.map((i) => i.ops.read()));
    return { reads: counts.reduce((sum, c) => sum + c.reads, 0), writes: counts.reduce((sum, c) => sum + c.writes, 0) };
  }

  async stop(): Promise<void> {
    this.stopping = true;
    await Promise.all(this.instances.map((i) => i.fn.proc.stop()));
  }

  private onLine(process: number, line: string, tail: string[]): void {
    const entry = parseJsonLine(line);
    if (entry?.message === 'Shard dispatched') {
      this.runs.push({
        process,
        at: Date.now(),
        shard: Number(entry.shard),
        dispatched: Number(entry.dispatched),
        batches: Number(entry.batches),
        truncated: entry.truncated === true,
        lostRaces: Number(entry.lostRaces),
        claimsPerSecond: Number(entry.claimsPerSecond),
      });
      return;
    }
    // Anything else, the framework's own lines ("Unhandled rejection") and stack traces included.
    tail.push(line.slice(0, 400));
    if (tail.length > 30) tail.shift();
    if (entry?.severity === 'ERROR' || entry?.severity === 'WARNING') this.problems.push(`dispatcher ${process + 1}: ${line.slice(0, 300)}`);
  }
}

function parseJsonLine(line: string): Record<string, unknown> | undefined {
  try {
    const parsed: unknown = JSON.parse(line);
    return parsed !== null && typeof parsed === 'object' ? (parsed as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
}
