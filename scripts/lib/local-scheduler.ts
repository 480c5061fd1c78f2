/**
 * What Cloud Scheduler does in production, locally: POST to the dispatcher every few seconds.
 * Ticks never overlap; a failed tick is reported and the next one tries again.
 */
export function startLocalScheduler(dispatcherUrl: string, everySeconds: number, log: (line: string) => void): { stop(): void } {
  let running = false;
  let stopped = false;
  const tick = async (): Promise<void> => {
    if (running || stopped) return;
    running = true;
    try {
      const response = await fetch(dispatcherUrl, { method: 'POST', signal: AbortSignal.timeout(60_000) });
      const body = (await response.json()) as { dispatched?: number; batches?: number };
      if (!response.ok) log(`[scheduler] dispatcher answered ${response.status}`);
      // With a dispatch topic the tick only fans shards out: each shard run logs what it claimed.
      else if ((body.dispatched ?? 0) > 0) log(`[scheduler] tick: dispatched ${body.dispatched} user(s) in ${body.batches} message(s)`);
    } catch (error) {
      if (stopped) return; // the stack is shutting down under this tick
      log(`[scheduler] tick failed: ${error instanceof Error ? error.message : String(error)}`);
    } finally {
      running = false;
    }
  };
  const timer = setInterval(() => void tick(), everySeconds * 1000);
  return {
    stop: () => {
      stopped = true;
      clearInterval(timer);
    },
  };
}
