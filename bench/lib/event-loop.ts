import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { EventLoopTotals } from '../instrument/event-loop-meter';
import { BENCH_MODULES } from './build';
import { sleep } from './http-probe';

/** Where an instrumented function process reports how busy its JavaScript thread has been. */
export interface EventLoopMeter {
  nodeArgs: string[];
  env: NodeJS.ProcessEnv;
  /** The latest totals; waits for the meter's next flush first. */
  read(): Promise<EventLoopTotals>;
}

export function eventLoopMeter(): EventLoopMeter {
  const file = join(mkdtempSync(join(tmpdir(), 'bench-loop-')), 'loop.json');
  return {
    nodeArgs: ['--require', BENCH_MODULES.eventLoopMeter],
    env: { BENCH_EVENT_LOOP_FILE: file },
    async read() {
      await sleep(300);
      if (!existsSync(file)) throw new Error('the event-loop meter wrote nothing: was it loaded?');
      return JSON.parse(readFileSync(file, 'utf8')) as EventLoopTotals;
    },
  };
}

/** Share of the time between two readings that the JavaScript thread was running code (0..1). */
export function utilisationBetween(before: EventLoopTotals, after: EventLoopTotals): number {
  const active = after.active - before.active;
  const idle = after.idle - before.idle;
  return active + idle > 0 ? active / (active + idle) : 0;
}
