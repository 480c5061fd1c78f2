/**
 * Preloaded (`node --require`) into the worker process the bench measures: how busy its one
 * JavaScript thread is. Node's event-loop utilisation counters (time spent running code vs waiting
 * for I/O since start) go to the file named by BENCH_EVENT_LOOP_FILE every 200 ms, so the bench can
 * tell a run that waits on Google from one whose JavaScript thread is the bottleneck. The writes
 * are asynchronous: a synchronous write blocks the very thread this measures (see
 * firestore-op-counter.ts).
 */
import { renameSync, writeFileSync } from 'node:fs';
import { rename, writeFile } from 'node:fs/promises';
import { performance } from 'node:perf_hooks';

export interface EventLoopTotals {
  /** Milliseconds since start the loop spent waiting, and running callbacks. */
  idle: number;
  active: number;
}

const outFile = process.env.BENCH_EVENT_LOOP_FILE;
if (!outFile) throw new Error('BENCH_EVENT_LOOP_FILE is required by the event-loop meter');

function totals(): string {
  const { idle, active } = performance.eventLoopUtilization();
  const now: EventLoopTotals = { idle, active };
  return JSON.stringify(now);
}

let writing = false;
/** Written aside and renamed into place, so a reader never sees a half-written file. */
function flush(): void {
  if (writing) return;
  writing = true;
  writeFile(`${outFile!}.tmp`, totals())
    .then(() => rename(`${outFile!}.tmp`, outFile!))
    .catch((error: unknown) => process.stderr.write(`event-loop meter: ${String(error)}\n`))
    .finally(() => {
      writing = false;
    });
}

writeFileSync(outFile!, totals());
setInterval(flush, 200).unref();
process.on('exit', () => {
  writeFileSync(`${outFile!}.exit`, totals());
  renameSync(`${outFile!}.exit`, outFile!);
});
