import { workerRuntimeEnv } from '../../capacity/deploy-settings';

/**
 * The deployed worker's runtime settings (environment of the runOfflineWork function, read from
 * deploy.sh's WORKER_RUNTIME_ENV), measured by the offline-work bench beside Node's defaults. With
 * the defaults, on a host with plenty of memory, V8 lets its young generation grow to 128 MB and
 * puts off old-generation collections while the worker allocates fast (its live heap stays near
 * 50 MB), and glibc gives sharp's threads an arena each: peak RSS ends up far above what the work
 * needs. Capping the young generation and the old generation, and the arenas, keeps it low for a
 * little more GC. WORKER_CONCURRENCY is left to the round's own setting.
 */
const { WORKER_CONCURRENCY: _concurrency, ...memorySettings } = workerRuntimeEnv();
export const PROPOSED_WORKER_RUNTIME_ENV: Readonly<Record<string, string>> = memorySettings;
