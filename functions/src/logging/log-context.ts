import { AsyncLocalStorage } from 'node:async_hooks';
import type { LogFields } from './logger';

/**
 * Fields every log line carries while one piece of work runs: a request's trace, a worker
 * message's id and user, a dispatcher run's shard. Set where the work starts (the HTTP adapter,
 * the worker, the shard run); every logger then adds them, so call sites need not pass them on.
 * Nested contexts add to, and may override, the enclosing one.
 */
const storage = new AsyncLocalStorage<LogFields>();

export function withLogContext<T>(fields: LogFields, work: () => T): T {
  return storage.run({ ...storage.getStore(), ...fields }, work);
}

export function currentLogContext(): LogFields {
  return storage.getStore() ?? {};
}
