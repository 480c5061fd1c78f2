/**
 * A limit on the bytes held by the tasks running at once (a weighted semaphore). The photo job
 * wraps each photo in it, sized by the source file, so many small photos run side by side while a
 * few 25 MB ones take turns: memory stays bounded whatever WORKER_CONCURRENCY is. A task larger
 * than the whole budget runs alone. Waiting tasks start in arrival order, so a large photo is never
 * starved by a stream of small ones.
 */
export interface ByteBudget {
  use<T>(bytes: number, task: () => Promise<T>): Promise<T>;
}

export function createByteBudget(capacity: number): ByteBudget {
  if (!Number.isInteger(capacity) || capacity < 1) throw new RangeError('capacity must be a positive whole number of bytes');
  let inUse = 0;
  const waiting: { bytes: number; start: () => void }[] = [];
  const startWaiters = (): void => {
    while (waiting.length > 0 && inUse + waiting[0]!.bytes <= capacity) {
      const next = waiting.shift()!;
      inUse += next.bytes;
      next.start();
    }
  };
  return {
    async use(bytes, task) {
      const weight = Math.min(capacity, Math.max(0, Math.ceil(bytes)));
      if (waiting.length === 0 && inUse + weight <= capacity) inUse += weight;
      else await new Promise<void>((start) => waiting.push({ bytes: weight, start }));
      try {
        return await task();
      } finally {
        inUse -= weight;
        startWaiters();
      }
    },
  };
}
