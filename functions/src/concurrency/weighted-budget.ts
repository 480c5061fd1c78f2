/**
 * A limit on the total weight of the tasks running at once (a weighted semaphore), in whatever
 * unit the holder counts: the photo job keeps one of source bytes (what a download holds) and one
 * of decoded pixels (what a decode holds), each shared by every run on the instance. Many light
 * tasks run side by side while heavy ones take turns, so memory stays bounded whatever
 * WORKER_CONCURRENCY is. A task heavier than the whole budget runs alone, never refused. Waiting
 * tasks start in arrival order, so a heavy task is never starved by a stream of light ones.
 *
 * Holding one budget while waiting for another is safe as long as every holder takes them in the
 * same order (the photo job: bytes, then pixels).
 *
 * `signal` (a run's stop): a task still waiting when it aborts leaves the queue and rejects with
 * its reason, so a run never waits out other messages' photos past its own stop.
 */
export interface WeightedBudget {
  use<T>(weight: number, task: () => Promise<T>, signal?: AbortSignal): Promise<T>;
  /** Weight held right now (for logs and tests). */
  inUse(): number;
}

export function createWeightedBudget(capacity: number): WeightedBudget {
  if (!Number.isInteger(capacity) || capacity < 1) throw new RangeError('capacity must be a positive whole number');
  let held = 0;
  type Waiter = { weight: number; start: () => void };
  const waiting: Waiter[] = [];
  const startWaiters = (): void => {
    while (waiting.length > 0 && held + waiting[0]!.weight <= capacity) {
      const next = waiting.shift()!;
      held += next.weight;
      next.start();
    }
  };
  const waitTurn = (weight: number, signal: AbortSignal | undefined): Promise<void> =>
    new Promise<void>((resolve, reject) => {
      const onAbort = (): void => {
        waiting.splice(waiting.indexOf(waiter), 1);
        // Those behind it may fit now.
        startWaiters();
        reject(signal!.reason);
      };
      const waiter: Waiter = {
        weight,
        start: () => {
          signal?.removeEventListener('abort', onAbort);
          resolve();
        },
      };
      waiting.push(waiter);
      signal?.addEventListener('abort', onAbort, { once: true });
    });
  return {
    async use(weight, task, signal) {
      signal?.throwIfAborted();
      const clamped = Math.min(capacity, Math.max(0, Math.ceil(weight)));
      if (waiting.length === 0 && held + clamped <= capacity) held += clamped;
      else await waitTurn(clamped, signal);
      try {
        return await task();
      } finally {
        held -= clamped;
        startWaiters();
      }
    },
    inUse: () => held,
  };
}
