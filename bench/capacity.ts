/**
 * `npm run capacity -- --users N --interval SECONDS [--shards S]`: scales the bench's measured
 * per-user figures to N users and checks every resource against its documented limit, with the
 * settings the model recommends (shards, claim rate, instances), and prices a month of it.
 * Exits 1 when a hard limit is exceeded with those settings; raisable quotas are reported as what
 * to request, never as a failure. See docs/capacity.md.
 */
import { parseCapacityArgs, USAGE, UsageError } from './capacity/args';
import { functionSizes, shardRunBounds } from '../scripts/lib/deploy-settings';
import { COMMITTED_FIGURES, LATEST_RESULTS, loadFigures } from './capacity/figures';
import { layoutFromFile } from './capacity/firestore-indexes';
import { loadLimits } from './capacity/limits';
import { capacityModel } from './capacity/model';
import { exitCodeOf } from './capacity/exit-code';
import { renderCitations, renderComparison, renderReport } from './capacity/render';

function main(): number {
  const args = parseCapacityArgs(process.argv.slice(2));
  const figures = args.figuresFile ? loadFigures(LATEST_RESULTS, args.figuresFile, { latest: false }) : loadFigures(LATEST_RESULTS, COMMITTED_FIGURES);
  const limits = loadLimits();
  const input = {
    figures,
    limits,
    sizes: functionSizes(),
    shardRun: shardRunBounds(),
    deployedLayout: layoutFromFile(args.indexesFile),
    options: args,
  };
  const reports = args.users.map((users) => capacityModel({ ...input, scale: { users, intervalSeconds: args.intervalSeconds, tickSeconds: limits.limits.schedulerGranularity.value } }));
  const body = reports.length === 1 ? renderReport(reports[0]!, figures, limits) : renderComparison(reports, figures, limits);
  process.stdout.write(`${body}\n\n### Limits checked\n\n${renderCitations(limits)}\n`);
  return exitCodeOf(reports, args.checkDeployed);
}

try {
  process.exitCode = main();
} catch (error) {
  if (error instanceof UsageError) {
    console.error(`${error.message}\n\n${USAGE}`);
    process.exitCode = 2;
  } else {
    console.error(error instanceof Error ? error.message : error);
    process.exitCode = 1;
  }
}
