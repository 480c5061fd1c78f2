/**
 * Preloaded (`node --require`) into the worker process the bench measures: how busy its one
 * JavaScript thread is. Node's event-loop utilisation counters (time spent running code vs waiting
 * for I/O since start) go to the file named by BENCH_EVENT_LOOP_FILE every 200 ms, so the bench can
 * tell a run that waits on Google from one whose JavaScript thread is the bottleneck.
 */
import { writeFileSync } from 'node:fs';
import { performance } from 'node:perf_hooks';

export interface EventLoopTotals {
  /** Milliseconds since start the loop spent waiting, and running callbacks. */
  idle: number;
  active: number;
}

const outFile = process.env.BENCH_EVENT_LOOP_FILE;
if (!outFile) throw new Error('BENCH_EVENT_LOOP_FILE is required by the event-loop meter');

function flush(): void {
  const { idle, active } = performance.eventLoopUtilization();
  const totals: EventLoopTotals = { idle, active };
  writeFileSync(outFile!, JSON.stringify(totals));
}

flush();
setInterval(flush, 200).unref();
process.on('exit', flush);
