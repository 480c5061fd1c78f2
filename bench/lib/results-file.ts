import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { BENCH_ROOT } from './build';
import type { MachineInfo } from './machine';
import type { Goal } from './report';

export const DEFAULT_RESULTS_FILE = join(BENCH_ROOT, 'results', 'latest.json');

export interface BenchResultsFile {
  startedAt: string;
  finishedAt: string;
  quick: boolean;
  machine: MachineInfo;
  loadAverageAtEnd: number[];
  goals: Goal[];
  suites: Record<string, unknown>;
  /** Suites that could not finish, with the reason. */
  failures: Record<string, string>;
}

export function writeResults(path: string, results: BenchResultsFile): void {
  mkdirSync(dirname(path), { recursive: true });
  writeFileSync(path, `${JSON.stringify(results, null, 2)}\n`);
}
