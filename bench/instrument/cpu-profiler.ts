/**
 * Preloaded (`node --require`) into the worker when the bench runs with `--cpu-prof=DIR`: a V8
 * CPU profile of one timed round only (not the process's start-up or the untimed set-up, as
 * `node --cpu-prof` would give). The first SIGUSR2 starts the profiler, the second stops it and
 * writes `<pid>-<n>.cpuprofile` (Chrome DevTools' format) to BENCH_CPU_PROFILE_DIR, then
 * `ready-<n>` to say it is complete. `bench/profile-summary.ts` sorts its self time by component.
 */
import { writeFileSync } from 'node:fs';
import { Session } from 'node:inspector';
import { join } from 'node:path';

const dir = process.env.BENCH_CPU_PROFILE_DIR;
if (!dir) throw new Error('BENCH_CPU_PROFILE_DIR is required by the CPU profiler');

const session = new Session();
session.connect();
let running = false;
let written = 0;

function post(method: string, params?: object): Promise<unknown> {
  return new Promise((resolve, reject) => session.post(method, params ?? {}, (error, result) => (error ? reject(error) : resolve(result))));
}

async function toggle(): Promise<void> {
  if (!running) {
    running = true;
    await post('Profiler.enable');
    // 1 ms, as `node --cpu-prof` samples.
    await post('Profiler.setSamplingInterval', { interval: 1000 });
    await post('Profiler.start');
    return;
  }
  running = false;
  const { profile } = (await post('Profiler.stop')) as { profile: unknown };
  written += 1;
  writeFileSync(join(dir!, `${process.pid}-${written}.cpuprofile`), JSON.stringify(profile));
  writeFileSync(join(dir!, `ready-${written}`), '');
}

process.on('SIGUSR2', () => {
  toggle().catch((error: unknown) => process.stderr.write(`cpu profiler: ${String(error)}\n`));
});
