import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { FirestoreOpCounts } from '../instrument/firestore-op-counter';
import { BENCH_MODULES } from './build';
import { sleep } from './http-probe';

/** Where an instrumented function process reports its Firestore reads and writes. */
export interface OpCounter {
  /** Node flags and environment that load the counter into a function process. */
  nodeArgs: string[];
  env: NodeJS.ProcessEnv;
  /** The latest totals; waits for the counter's next flush first. */
  read(): Promise<FirestoreOpCounts>;
}

export function firestoreOpCounter(): OpCounter {
  const file = join(mkdtempSync(join(tmpdir(), 'bench-ops-')), 'counts.json');
  return {
    nodeArgs: ['--require', BENCH_MODULES.firestoreOpCounter],
    env: { BENCH_FIRESTORE_COUNTS_FILE: file },
    async read() {
      await sleep(500);
      if (!existsSync(file)) throw new Error('the Firestore op counter wrote nothing: was it loaded?');
      return JSON.parse(readFileSync(file, 'utf8')) as FirestoreOpCounts;
    },
  };
}

/** For runs that do not count (the soak): loads nothing, and reading it is a bug. */
export function noOpCounter(): OpCounter {
  return {
    nodeArgs: [],
    env: {},
    read: () => Promise.reject(new Error('Firestore ops are not counted in this run')),
  };
}

/** What happened between two readings of one counter. */
export function opCountsBetween(before: FirestoreOpCounts, after: FirestoreOpCounts): FirestoreOpCounts {
  const minus = (a: Record<string, number>, b: Record<string, number>) =>
    Object.fromEntries(Object.entries(a).map(([key, value]) => [key, value - (b[key] ?? 0)]).filter(([, value]) => value !== 0));
  const writeShapes = Object.fromEntries(
    Object.entries(after.writeShapes)
      .map(([key, shape]) => [key, { ...shape, count: shape.count - (before.writeShapes[key]?.count ?? 0) }] as const)
      .filter(([, shape]) => shape.count > 0),
  );
  return {
    reads: after.reads - before.reads,
    writes: after.writes - before.writes,
    rpcs: minus(after.rpcs, before.rpcs),
    readsByMethod: minus(after.readsByMethod, before.readsByMethod),
    writeShapes,
  };
}
