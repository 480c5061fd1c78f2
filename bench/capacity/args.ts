export const USAGE = `npm run capacity -- --users N[,N...] --interval SECONDS [options]
  --users               hourly (or every --interval) users; several, comma-separated, print one table side by side
  --interval            seconds between a user's runs (OFFLINE_WORK_INTERVAL, e.g. 3600)
  --shards S            DUE_SHARDS to check (default: the fewest that keep every range under its target, from 16)
  --shard-rate C        DISPATCH_SHARD_RATE to check (default: the fastest, up to 400, that keeps them there)
  --photo-share P       share of runs that find a new photo, 0..1 (default 1: every run, as the bench measured)
  --google-latency-ms L latency of each Google call (default: the bench's, 50 ms)
  --worker-concurrency N  WORKER_CONCURRENCY (default: the bench's, 32)
  --figures FILE        per-user figures (default bench/results/latest.json, else bench/capacity/figures.json)
  --indexes FILE        index layout deployed (default infra/firestore.indexes.json)
  --check-deployed      also fail when the deployed index layout exceeds a limit the recommended one does not
Exit status: 0 when no hard limit is exceeded with the recommended settings, 1 when one is, 2 for bad arguments.`;

export class UsageError extends Error {}

export interface CapacityArgs {
  users: number[];
  intervalSeconds: number;
  shards: number | undefined;
  shardRate: number | undefined;
  photoShare: number;
  googleLatencyMs: number | undefined;
  workerConcurrency: number | undefined;
  figuresFile: string | undefined;
  indexesFile: string | undefined;
  checkDeployed: boolean;
}

const VALUED = ['users', 'interval', 'shards', 'shard-rate', 'photo-share', 'google-latency-ms', 'worker-concurrency', 'figures', 'indexes'] as const;
type Valued = (typeof VALUED)[number];

export function parseCapacityArgs(argv: readonly string[]): CapacityArgs {
  const values = new Map<Valued, string>();
  let checkDeployed = false;
  for (let i = 0; i < argv.length; i += 1) {
    const arg = argv[i]!;
    if (arg === '--check-deployed') {
      checkDeployed = true;
      continue;
    }
    const match = /^--([a-z-]+)(?:=(.*))?$/.exec(arg);
    const name = match?.[1] as Valued | undefined;
    if (!match || !name || !(VALUED as readonly string[]).includes(name)) throw new UsageError(`unknown argument ${arg}`);
    const value = match[2] ?? argv[(i += 1)];
    if (value === undefined || value === '') throw new UsageError(`--${name} needs a value`);
    values.set(name, value);
  }
  const users = values.get('users');
  const interval = values.get('interval');
  if (users === undefined || interval === undefined) throw new UsageError('--users and --interval are required');
  const share = optionalNumber(values, 'photo-share', (n) => n >= 0 && n <= 1, 'a share from 0 to 1');
  return {
    users: users.split(',').map((n) => wholeNumber('users', n)),
    intervalSeconds: wholeNumber('interval', interval),
    shards: optionalNumber(values, 'shards', Number.isInteger, 'a whole number'),
    shardRate: optionalNumber(values, 'shard-rate', Number.isInteger, 'a whole number'),
    photoShare: share ?? 1,
    googleLatencyMs: optionalNumber(values, 'google-latency-ms', () => true, 'milliseconds'),
    workerConcurrency: optionalNumber(values, 'worker-concurrency', Number.isInteger, 'a whole number'),
    figuresFile: values.get('figures'),
    indexesFile: values.get('indexes'),
    checkDeployed,
  };
}

function wholeNumber(name: string, text: string): number {
  const value = Number(text.replaceAll('_', ''));
  if (!Number.isInteger(value) || value < 1) throw new UsageError(`--${name} must be a positive whole number, not ${text}`);
  return value;
}

function optionalNumber(values: ReadonlyMap<Valued, string>, name: Valued, valid: (n: number) => boolean, what: string): number | undefined {
  const text = values.get(name);
  if (text === undefined) return undefined;
  const value = Number(text);
  if (!Number.isFinite(value) || value < 0 || !valid(value) || (name !== 'photo-share' && name !== 'google-latency-ms' && value < 1)) {
    throw new UsageError(`--${name} must be ${what}, not ${text}`);
  }
  return value;
}
