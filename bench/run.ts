/**
 * `npm run bench`: every benchmark of issue 6 in one run, each comparison measured side by side in
 * the same run (as a ratio), then a markdown report on stdout and bench/results/latest.json.
 * About 5 minutes in full, under 3 with --quick; every wait has a timeout. See bench/README.md.
 */
import { startTestSandbox } from '../test/support/sandbox';
import { parseBenchArgs, type SuiteName, USAGE, UsageError } from './lib/args';
import type { BenchContext } from './lib/bench-context';
import { buildBenchModules } from './lib/build';
import { useEmulators } from './lib/emulators';
import { currentLoad, describeMachine } from './lib/machine';
import type { SuiteReport } from './lib/report';
import { DEFAULT_RESULTS_FILE, writeResults } from './lib/results-file';
import { renderReport } from './lib/render-report';
import { runColdStart } from './suites/cold-start';
import { runDispatcherBench } from './suites/dispatcher';
import { runExchangeAbuse } from './suites/exchange-abuse';
import { runExchangeLoad } from './suites/exchange-load';
import { runImagePipeline } from './suites/image-pipeline';
import { runOfflineWork } from './suites/offline-work';
import { runWorstCaseMemory } from './suites/worst-case-memory';
import { shutdownOnSignals } from '../scripts/lib/shutdown';

const RUNNERS: Record<SuiteName, (context: BenchContext) => Promise<SuiteReport>> = {
  'cold-start': runColdStart,
  'exchange-load': runExchangeLoad,
  'exchange-abuse': runExchangeAbuse,
  'offline-work': runOfflineWork,
  'image-pipeline': runImagePipeline,
  'worst-case-memory': runWorstCaseMemory,
  dispatcher: runDispatcherBench,
};

async function main(): Promise<number> {
  const args = parseBenchArgs(process.argv.slice(2));
  const startedAt = new Date();
  const machine = describeMachine();
  const log = (line: string): void => {
    process.stderr.write(`[bench ${((Date.now() - startedAt.getTime()) / 1000).toFixed(0)}s] ${line}\n`);
  };
  buildBenchModules();
  const emulators = await useEmulators();
  const reports: SuiteReport[] = [];
  const failures: Record<string, string> = {};
  try {
    for (const name of args.suites) {
      log(`${name}: starting`);
      const sandbox = await startTestSandbox();
      try {
        const report = await RUNNERS[name]({ quick: args.quick, cpuProfileDir: args.cpuProfileDir, configs: args.configs, sandbox, log: (line) => log(`${name}: ${line}`) });
        reports.push(report);
        if (report.violations?.length) {
          failures[name] = `${report.violations.length} invariant(s) broken: ${report.violations.join('; ')}`;
          log(`${name}: FAILED: ${failures[name]}`);
        }
      } catch (error) {
        failures[name] = error instanceof Error ? error.message : String(error);
        log(`${name}: FAILED: ${failures[name]}`);
      } finally {
        await sandbox.close();
      }
    }
  } finally {
    await emulators.stop();
  }
  const results = {
    startedAt: startedAt.toISOString(),
    finishedAt: new Date().toISOString(),
    quick: args.quick,
    machine,
    loadAverageAtEnd: currentLoad(),
    goals: reports.flatMap((report) => report.goals),
    suites: Object.fromEntries(reports.map((report) => [report.suite, report.result])),
    failures,
  };
  const out = args.out ?? DEFAULT_RESULTS_FILE;
  writeResults(out, results);
  process.stdout.write(`${renderReport(results, reports)}\n\nResults written to ${out}\n`);
  return Object.keys(failures).length === 0 ? 0 : 1;
}

// Ctrl-C, SIGTERM or a closed terminal still stops every emulator and function this run started.
shutdownOnSignals();
main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    if (error instanceof UsageError) {
      console.error(`${error.message}\n\n${USAGE}`);
      process.exit(2);
    }
    console.error(error instanceof Error ? (error.stack ?? error.message) : error);
    process.exit(1);
  },
);
