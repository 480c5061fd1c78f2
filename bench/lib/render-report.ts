import type { BenchResultsFile } from './results-file';
import type { SuiteReport } from './report';
import { markdownTable } from './table';

/** The printed report: the machine and its load, every goal in one table, then each suite's own table. */
export function renderReport(results: BenchResultsFile, reports: readonly SuiteReport[]): string {
  const { machine } = results;
  const header = [
    `## Benchmarks${results.quick ? ' (--quick: indicative only)' : ''}`,
    `${machine.cpus} x ${machine.cpuModel}, ${machine.memoryGiB} GiB, Node ${machine.node}, ${machine.platform}; ` +
      `load average ${machine.loadAverage.join(' / ')} at start, ${results.loadAverageAtEnd.join(' / ')} at end; ${results.startedAt}`,
  ];
  const goals = markdownTable(
    ['metric', 'measured', 'goal', 'met'],
    results.goals.map((goal) => [goal.metric, goal.value, goal.goal, goal.met ? 'yes' : '**no**']),
  );
  const failed = Object.entries(results.failures).map(([suite, reason]) => `- **${suite} failed**: ${reason}`);
  return [...header, goals, ...failed, ...reports.map((report) => report.markdown)].join('\n\n');
}
