export const SUITES = ['cold-start', 'exchange-load', 'exchange-abuse', 'offline-work', 'image-pipeline', 'worst-case-memory', 'dispatcher'] as const;
export type SuiteName = (typeof SUITES)[number];

export interface BenchArgs {
  quick: boolean;
  suites: SuiteName[];
  out: string | undefined;
  /** `--cpu-prof=DIR`: a CPU profile of the worker during the offline-work round with deploy settings. */
  cpuProfileDir: string | undefined;
  /** `--configs=a,b`: only these configurations of the dispatcher suite (its labels). */
  configs: string[] | undefined;
}

export const USAGE = `npm run bench -- [--quick] [--only=${SUITES.join(',')}] [--out=FILE]
  --quick   fewer samples and smaller loads: a smoke run of several minutes (the dispatcher suite alone 3-9; numbers indicative only)
  --only    run just these suites (comma-separated)
  --out     where to write the JSON results (default bench/results/latest.json)
  --cpu-prof=DIR  write a V8 CPU profile of the worker's first timed offline-work round to DIR
            (then: node --import tsx bench/profile-summary.ts DIR/*.cpuprofile)
  --configs=LIST  the dispatcher suite's configurations to run (shards-1,shards-4,shards-16,limiter,chaos)`;

export class UsageError extends Error {}

export function parseBenchArgs(argv: readonly string[]): BenchArgs {
  const args: BenchArgs = { quick: false, suites: [...SUITES], out: undefined, cpuProfileDir: undefined, configs: undefined };
  for (const arg of argv) {
    if (arg === '--quick') args.quick = true;
    else if (arg.startsWith('--only=')) args.suites = parseSuites(arg.slice('--only='.length));
    else if (arg.startsWith('--out=')) args.out = arg.slice('--out='.length);
    else if (arg.startsWith('--cpu-prof=')) args.cpuProfileDir = arg.slice('--cpu-prof='.length);
    else if (arg.startsWith('--configs=')) args.configs = arg.slice('--configs='.length).split(',').map((name) => name.trim()).filter(Boolean);
    else throw new UsageError(`unknown argument ${arg}`);
  }
  return args;
}

function parseSuites(list: string): SuiteName[] {
  const names = list.split(',').map((name) => name.trim()).filter(Boolean);
  const unknown = names.filter((name) => !(SUITES as readonly string[]).includes(name));
  if (unknown.length > 0 || names.length === 0) throw new UsageError(`unknown suite(s): ${unknown.join(', ') || '(none given)'}`);
  return names as SuiteName[];
}
