import { existsSync, mkdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { BENCH_MODULES } from './build';
import { sleep } from './http-probe';

/** Loads the CPU profiler (bench/instrument/cpu-profiler.ts) into a function process. */
export interface CpuProfiler {
  nodeArgs: string[];
  env: NodeJS.ProcessEnv;
  /** Profiles the process `pid` while `work` runs; the profile lands in the profiler's folder. */
  around<T>(pid: number, work: () => Promise<T>): Promise<T>;
}

export function cpuProfiler(dir: string): CpuProfiler {
  const folder = resolve(dir);
  mkdirSync(folder, { recursive: true });
  let rounds = 0;
  return {
    nodeArgs: ['--require', BENCH_MODULES.cpuProfiler],
    env: { BENCH_CPU_PROFILE_DIR: folder },
    async around(pid, work) {
      process.kill(pid, 'SIGUSR2');
      await sleep(200);
      try {
        return await work();
      } finally {
        process.kill(pid, 'SIGUSR2');
        rounds += 1;
        const ready = join(folder, `ready-${rounds}`);
        for (let waited = 0; !existsSync(ready) && waited < 30_000; waited += 200) await sleep(200);
      }
    },
  };
}
