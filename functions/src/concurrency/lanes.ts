/**
 * A limit on how many tasks run at once, shared by every caller that holds the same `Lanes`
 * (mapWithConcurrency's limit is per call). The worker keeps one per instance for all the Pub/Sub
 * messages it handles at the same time, so WORKER_CONCURRENCY is the instance's real concurrency:
 * lanes a message's last users leave idle are taken by the next message's users, and two messages
 * in flight never double it. Waiting tasks start in arrival order.
 */
export interface Lanes {
  run<T>(task: () => Promise<T>): Promise<T>;
}

export function createLanes(limit: number): Lanes {
  if (!Number.isInteger(limit) || limit < 1) throw new RangeError('limit must be a positive whole number');
  let running = 0;
  const waiting: (() => void)[] = [];
  return {
    async run(task) {
      if (running < limit) running += 1;
      else await new Promise<void>((resolve) => waiting.push(resolve));
      try {
        return await task();
      } finally {
        // A finished task hands its lane straight to the next waiter, so `running` stays exact.
        const next = waiting.shift();
        if (next) next();
        else running -= 1;
      }
    },
  };
}
