import { readFileSync } from 'node:fs';
import { FUNCTIONS_TABLE_FILE } from '../../capacity/deploy-settings';

/**
 * The worker's runtime settings exactly as infra/deploy.sh gives them (the WORKER_RUNTIME_ENV
 * array of infra/lib/functions-table.sh: WORKER_CONCURRENCY, NODE_OPTIONS heap caps and glibc's
 * MALLOC_ARENA_MAX), read from that file so the bench measures what runs. With Node's defaults, on
 * a host with plenty of memory, V8 lets its young generation grow to 128 MB and puts off
 * old-generation collections while the worker allocates fast, and glibc gives sharp's threads an
 * arena each: peak RSS ends up far above what the work needs.
 */
export function deployedWorkerRuntimeEnv(file = FUNCTIONS_TABLE_FILE): Readonly<Record<string, string>> {
  const array = /WORKER_RUNTIME_ENV=\(([^)]*)\)/.exec(readFileSync(file, 'utf8'))?.[1];
  if (array === undefined) throw new Error(`${file}: no WORKER_RUNTIME_ENV`);
  const env: Record<string, string> = {};
  for (const [, pair] of array.matchAll(/'([^']*)'/g)) {
    const at = pair!.indexOf('=');
    if (at <= 0) throw new Error(`${file}: WORKER_RUNTIME_ENV entry ${pair} is not KEY=VALUE`);
    env[pair!.slice(0, at)] = pair!.slice(at + 1);
  }
  if (Object.keys(env).length === 0) throw new Error(`${file}: WORKER_RUNTIME_ENV is empty`);
  return env;
}

