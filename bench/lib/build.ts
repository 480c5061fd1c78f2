import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { REPO_ROOT } from '../../scripts/lib/stack-layout';

export const BENCH_ROOT = join(REPO_ROOT, 'bench');
/** Under .local/, which git and eslint already ignore (bench/tsconfig.build.json writes here). */
const BUILD_DIR = join(REPO_ROOT, '.local', 'bench-build');

/** Compiled bench-only modules, loaded by functions-framework or `node --require`, never by the product. */
export const BENCH_MODULES = {
  helloWorld: join(BUILD_DIR, 'functions', 'hello-world.js'),
  minimalPipeline: join(BUILD_DIR, 'functions', 'minimal-pipeline.js'),
  firestoreOpCounter: join(BUILD_DIR, 'instrument', 'firestore-op-counter.js'),
  eventLoopMeter: join(BUILD_DIR, 'instrument', 'event-loop-meter.js'),
  cpuProfiler: join(BUILD_DIR, 'instrument', 'cpu-profiler.js'),
} as const;

/**
 * Compiles the bench-only modules, and checks the product was built: benches serve compiled code,
 * exactly as production does (`npm run bench` builds the product first).
 */
export function buildBenchModules(): void {
  if (!existsSync(join(REPO_ROOT, 'functions', 'lib', 'index.js'))) {
    throw new Error('functions/lib is missing: run `npm run build` first (npm run bench does)');
  }
  execFileSync(process.execPath, [require.resolve('typescript/bin/tsc'), '-p', join(BENCH_ROOT, 'tsconfig.build.json')], {
    cwd: REPO_ROOT,
    stdio: 'inherit',
  });
}
