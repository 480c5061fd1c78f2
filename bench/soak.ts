/**
 * `npm run soak`: the fault-tolerance soak (about five minutes; see bench/README.md). Exits
 * non-zero when any check fails. `--short` runs the one-minute version `npm test` runs.
 */
import { runSoak } from './soak/run-soak';
import { renderSoakReport } from './soak/render-soak';
import { FULL_SOAK, SHORT_SOAK } from './soak/soak-config';
import { shutdownOnSignals } from '../scripts/lib/shutdown';

async function main(): Promise<number> {
  const args = process.argv.slice(2);
  const unknown = args.filter((arg) => arg !== '--short');
  if (unknown.length > 0) {
    console.error(`unknown argument(s): ${unknown.join(' ')}\nusage: npm run soak -- [--short]`);
    return 2;
  }
  const started = Date.now();
  const report = await runSoak(args.includes('--short') ? SHORT_SOAK : FULL_SOAK, (line) =>
    process.stderr.write(`[soak ${Math.round((Date.now() - started) / 1000)}s] ${line}\n`),
  );
  process.stdout.write(`${renderSoakReport(report)}\n`);
  return report.violations.length === 0 ? 0 : 1;
}

// Ctrl-C, SIGTERM or a closed terminal still stops every emulator and function this run started.
shutdownOnSignals();
main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    console.error(error instanceof Error ? (error.stack ?? error.message) : error);
    process.exit(1);
  },
);
