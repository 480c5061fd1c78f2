import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { REPO_ROOT } from './stack-layout';
import { dispatchShape } from '../../functions/src/config/offline-config';

/**
 * A function's size as infra/deploy.sh deploys it, read from the rows of
 * infra/lib/functions-table.sh: the model checks the deploy itself, not a copy of its numbers.
 */
export interface FunctionSize {
  name: string;
  /** `http` or `topic`. */
  trigger: string;
  memoryGiB: number;
  vcpu: number;
  timeoutSeconds: number;
  /** Cloud Run requests per instance. */
  concurrency: number;
  maxInstances: number;
  /** The infra/config.env setting that overrides maxInstances, when the row names one. */
  maxInstancesSetting: string | undefined;
}

export const FUNCTIONS_TABLE_FILE = join(REPO_ROOT, 'infra', 'lib', 'functions-table.sh');

export function functionSizes(file = FUNCTIONS_TABLE_FILE): Map<string, FunctionSize> {
  const table = /FUNCTION_TABLE='([^']*)'/.exec(readFileSync(file, 'utf8'))?.[1];
  if (table === undefined) throw new Error(`${file}: no FUNCTION_TABLE`);
  const sizes = new Map<string, FunctionSize>();
  for (const line of table.split('\n')) {
    const columns = line.trim().split(/\s+/);
    if (columns.length < 9 || columns[0]!.startsWith('#')) continue;
    const [name, trigger, , memory, cpu, timeout, concurrency, maxInstances] = columns as [string, string, string, string, string, string, string, string];
    const [setting, fallback] = maxInstances.includes(':') ? maxInstances.split(':') : [undefined, maxInstances];
    sizes.set(name, {
      name,
      trigger,
      memoryGiB: memory.endsWith('Gi') ? Number(memory.slice(0, -2)) : Number(memory.slice(0, -2)) / 1024,
      vcpu: Number(cpu),
      timeoutSeconds: Number(timeout.replace(/s$/, '')),
      concurrency: Number(concurrency),
      maxInstances: Number(fallback),
      maxInstancesSetting: setting,
    });
  }
  return sizes;
}

export function functionSize(sizes: ReadonlyMap<string, FunctionSize>, name: string): FunctionSize {
  const size = sizes.get(name);
  if (!size) throw new Error(`infra/lib/functions-table.sh has no row for ${name}`);
  return size;
}

/**
 * What bounds one shard run of dispatchOfflineWork as deployed: the ack deadline deploy.sh gives
 * the dispatch topic's push subscription (FAN_OUT_ACK_DEADLINE_SECONDS in
 * infra/lib/functions-table.sh) and DISPATCH_BUDGET_SECONDS' default, after which a run starts no
 * new page and leaves the rest to the next tick (deploy refuses a budget at or above the deadline).
 */
export interface ShardRunBounds {
  ackDeadlineSeconds: number;
  budgetSeconds: number;
}

export function shardRunBounds(file = FUNCTIONS_TABLE_FILE): ShardRunBounds {
  const ack = /^readonly FAN_OUT_ACK_DEADLINE_SECONDS=(\d+)$/m.exec(readFileSync(file, 'utf8'))?.[1];
  if (ack === undefined) throw new Error(`${file}: no FAN_OUT_ACK_DEADLINE_SECONDS`);
  return { ackDeadlineSeconds: Number(ack), budgetSeconds: dispatchShape.DISPATCH_BUDGET_SECONDS.parse(undefined) };
}

/**
 * What deploy.sh tells an HTTP function of its own timeout (infra/lib/steps/functions.sh; nothing
 * for the worker), so that the local stack and the bench run it with the answer deadline it has
 * when deployed (functions/src/http/answer-deadline.ts).
 */
export function requestTimeoutEnv(name: string, file = FUNCTIONS_TABLE_FILE): Readonly<Record<string, string>> {
  const size = functionSize(functionSizes(file), name);
  return size.trigger === 'http' ? { REQUEST_TIMEOUT_SECONDS: String(size.timeoutSeconds) } : {};
}

/**
 * The worker's runtime environment as deploy.sh sets it (WORKER_RUNTIME_ENV in
 * infra/lib/functions-table.sh: WORKER_CONCURRENCY, the Node heap flags, the allocator's), read from
 * the file, so a bench measures what is deployed, not a copy of it.
 */
export function workerRuntimeEnv(file = FUNCTIONS_TABLE_FILE): Readonly<Record<string, string>> {
  const block = /WORKER_RUNTIME_ENV=\(([^)]*)\)/.exec(readFileSync(file, 'utf8'))?.[1];
  if (block === undefined) throw new Error(`${file}: no WORKER_RUNTIME_ENV`);
  const env: Record<string, string> = {};
  for (const [, pair] of block.matchAll(/'([^']*)'/g)) {
    const at = pair!.indexOf('=');
    if (at <= 0) throw new Error(`${file}: WORKER_RUNTIME_ENV entry ${pair} is not KEY=VALUE`);
    env[pair!.slice(0, at)] = pair!.slice(at + 1);
  }
  if (Object.keys(env).length === 0) throw new Error(`${file}: WORKER_RUNTIME_ENV is empty`);
  return env;
}
