import { markdownTable } from '../lib/table';
import { MODEL } from './assumptions';
import { headroom, type ResourceCheck, verdictOf } from './checks';
import { compact } from './costs';
import { type LoadedFigures, WRITE_KINDS } from './figures';
import type { PlatformLimits } from './limits';
import type { CapacityReport, FirstLimit } from './model';

/** Markdown: readable in a terminal, pasted as is into docs/capacity.md. */

const VERDICTS = {
  ok: 'ok',
  OVER: '**OVER: hard limit**',
  raise: 'raisable: request more',
  billed: 'billed above this',
  ramp: 'ramp up first',
} as const;

export function fmt(value: number): string {
  if (!Number.isFinite(value)) return '-';
  if (value !== 0 && Math.abs(value) < 10) return String(Number(value.toPrecision(3)));
  return Math.round(value).toLocaleString('en-US');
}

function usd(value: number): string {
  return value < 1 ? `$${value.toFixed(2)}` : `$${Math.round(value).toLocaleString('en-US')}`;
}

function headroomText(check: ResourceCheck): string {
  const h = headroom(check);
  if (!Number.isFinite(h)) return '-';
  return h >= 1 ? `${fmt(h)}x` : `over ${fmt(1 / h)}x`;
}

export function renderSources(loaded: LoadedFigures, limits: PlatformLimits): string {
  const f = loaded.figures;
  return (
    `Per-user figures: \`${relative(loaded.source)}\`, measured ${f.measuredAt.slice(0, 10)} by \`npm run bench${f.quick ? ' -- --quick' : ''}\` ` +
    `(${f.users} users, Google at ${f.googleLatencyMs} ms per call) on ${f.machine}, load average ${f.loadAverage.start[0]} at the start and ${f.loadAverage.end[0]} at the end. ` +
    `Limits and prices: \`bench/capacity/limits.json\`, read ${limits.read} (prices ${limits.prices.read}, USD).`
  );
}

function relative(file: string): string {
  const at = file.indexOf('/bench/');
  return at >= 0 ? file.slice(at + 1) : file;
}

export function renderReport(report: CapacityReport, loaded: LoadedFigures, limits: PlatformLimits): string {
  const { scale, load, run, worker, dispatch } = report;
  const lines: string[] = [];
  lines.push(`## Capacity: ${fmt(scale.users)} users, one run each every ${fmt(scale.intervalSeconds)} s`);
  lines.push(renderSources(loaded, limits));
  lines.push(
    `${fmt(load.runsPerSecond)} runs/s on average; a one-minute tick claims ${fmt(load.usersPerTick)} users. An average run: ` +
      `${Object.entries(run.google).map(([kind, n]) => `${kind} ${fmt(n)}`).join(', ')} (${fmt(run.driveUnits)} Drive quota units); ` +
      `worker CPU ${fmt(run.workerCpuMs)} ms, a lane held ${fmt(run.laneMs)} ms; ` +
      `Firestore ${fmt(sum(run.firestoreReads))} reads and ${fmt(sum(run.firestoreWrites))} writes.`,
  );
  lines.push('### Recommended settings');
  lines.push(
    markdownTable(
      ['setting', 'value', 'why'],
      [
        ['`DUE_SHARDS`', dispatch.shards, `each shard's range takes ${fmt(dispatch.hottest?.writesPerSecond ?? 0)} writes/s at the tick (target ${fmt(500 * MODEL.shardTargetShare)}, limit 500)`],
        ['`DISPATCH_SHARD_RATE`', dispatch.shardRate, `a shard claims its ${fmt(load.usersPerTick / dispatch.shards)} users of a tick in ${fmt(dispatch.shardRunSeconds)} s`],
        ['`runOfflineWork` instances', `${worker.instances} at the peak; max instances ${worker.maxInstancesToSet}`, `${fmt(worker.usersPerSecondPerInstance)} runs/s each (${worker.limitedBy}-bound: lanes ${fmt(worker.lanesBound)}/s, CPU ${fmt(worker.cpuBound)}/s) for ${fmt(worker.fleetUsersPerSecond)} runs/s`],
        ['`WORKER_CONCURRENCY`', worker.lanes, worker.limitedBy === 'lanes' ? `lanes bind: ${worker.lanesToUseCpu} would use the CPU` : `the CPU binds first (${worker.lanesToUseCpu} lanes would be enough)`],
        ['`dispatchOfflineWork` instances', dispatch.instances, `${dispatch.shards} shard runs, ${fmt(dispatch.rates.dispatcherClaim)} claims/s at ${fmt(run.dispatcherCpuMs)} ms CPU each`],
      ],
    ),
  );
  if (!dispatch.onTarget) lines.push(`**No setting reached the targets** (per-range writes under ${fmt(500 * MODEL.shardTargetShare)}/s, a tick claimed within ${MODEL.claimWindowSeconds} s): see the checks below.`);
  lines.push('### Resources at the peak');
  lines.push(checksTable(report.checks));
  lines.push(
    `Under the deployed index layout, \`${report.layouts.deployed.name}\`: ${report.deployedIndexCheck.resource.split(': ').at(-1)} takes ` +
      `${fmt(report.deployedIndexCheck.peak)} writes/s against ${fmt(report.deployedIndexCheck.limit)} (${VERDICTS[verdictOf(report.deployedIndexCheck)]}).`,
  );
  lines.push('### Firestore index entries per write');
  lines.push(indexTable(report));
  lines.push(`### Monthly cost (USD, ${limits.prices.read} prices, ${MODEL.secondsPerMonth / 3600} h a month)`);
  lines.push(
    markdownTable(
      ['service', 'USD / month', 'usage'],
      [...report.costs.map((line) => [line.service, `${usd(line.usd)}${line.unpriced ? ' + unpriced' : ''}`, line.detail]), ['**total**', `**${usd(report.monthlyUsd)}**`, '']],
    ),
  );
  const raise = report.checks.filter((check) => verdictOf(check) === 'raise');
  if (raise.length > 0) {
    lines.push('### Quotas to request (raisable: Google raises them on request, so the model does not fail on them)');
    lines.push(raise.map((check) => `- ${check.service}, ${check.resource}: peak ${fmt(check.peak)} ${check.unit} against ${fmt(check.limit)}: request ${fmt(check.request ?? 0)}`).join('\n'));
  }
  lines.push(`First quota reached as users grow: ${firstText(report.firstLimit.quota)}. First no-charge threshold: ${firstText(report.firstLimit.billing)}.`);
  lines.push(verdictLine(report));
  return lines.join('\n\n');
}

function checksTable(checks: readonly ResourceCheck[]): string {
  return markdownTable(
    ['service', 'resource', 'peak', 'limit', 'unit', 'headroom', 'kind', 'verdict', 'note'],
    checks.map((check) => [check.service, check.resource, fmt(check.peak), fmt(check.limit), check.unit, headroomText(check), check.kind, VERDICTS[verdictOf(check)], check.note ?? '']),
  );
}

function indexTable(report: CapacityReport): string {
  const { none, deployed, recommended } = report.layouts;
  const hottest = (layout: typeof none) => (layout.hottest ? `${layout.hottest.id}: ${fmt(layout.hottest.writesPerSecond)}/s` : 'none');
  return markdownTable(
    ['write', `no exemptions`, `\`${deployed.name}\``, 'recommended'],
    [
      ...WRITE_KINDS.map((kind) => [kind, none.entries[kind], deployed.entries[kind], recommended.entries[kind]]),
      ['a stored user document', none.documentEntries, deployed.documentEntries, recommended.documentEntries],
      ['hottest sequential range', hottest(none), hottest(deployed), hottest(recommended)],
    ],
  );
}

function verdictLine(report: CapacityReport): string {
  if (report.failures.length === 0) return '**Result: no hard limit is exceeded with these settings (the recommended ones, where not given).**';
  return `**Result: ${report.failures.length} hard limit(s) exceeded with these settings (the recommended ones, where not given):** ${report.failures.map((check) => `${check.service}, ${check.resource}`).join('; ')}.`;
}

/** Several sizes side by side: what docs/capacity.md shows. */
export function renderComparison(reports: readonly CapacityReport[], loaded: LoadedFigures, limits: PlatformLimits): string {
  const header = ['', ...reports.map((r) => `${compact(r.scale.users)} users`)];
  const row = (label: string, cell: (r: CapacityReport) => string | number) => [label, ...reports.map(cell)];
  const check = (r: CapacityReport, name: string) => r.checks.find((c) => c.limitName === name)!;
  const short = { ok: '', OVER: ' (**OVER**, hard)', raise: ' (raisable: ask for %)', billed: ' (billed above)', ramp: '' } as const;
  const cell = (c: ResourceCheck) => `${fmt(c.peak)} / ${fmt(c.limit)}${short[verdictOf(c)].replace('%', fmt(c.request ?? 0))}`;
  const costs = reports[0]!.costs.map((line, i) => row(`${line.service}, USD/month`, (r) => `${usd(r.costs[i]!.usd)}${r.costs[i]!.unpriced ? ' + unpriced' : ''}`));
  const rows = [
    row('runs per second (average)', (r) => fmt(r.load.runsPerSecond)),
    row('users claimed per one-minute tick', (r) => fmt(r.load.usersPerTick)),
    row('`DUE_SHARDS` / `DISPATCH_SHARD_RATE`', (r) => `${r.dispatch.shards} / ${r.dispatch.shardRate}`),
    row('hottest sequential range, writes/s / limit', (r) => `${cell(check(r, 'firestoreSequentialIndexWrites'))} (${r.layouts.recommended.hottest?.id ?? 'none'})`),
    row('same, deployed index layout', (r) => cell(r.deployedIndexCheck)),
    row('a shard run, s', (r) => fmt(r.dispatch.shardRunSeconds)),
    row('`runOfflineWork` instances at peak / max to set', (r) => `${r.worker.instances} / ${r.worker.maxInstancesToSet} (${r.worker.limitedBy}-bound)`),
    row('`dispatchOfflineWork` instances', (r) => r.dispatch.instances),
    row('Firestore peak ops/s, and the 500/50/5 ramp to it', (r) => `${fmt(r.rampMinutes > 0 ? check(r, 'firestoreRamp').peak : 0)} ops/s, ${r.rampMinutes} min`),
    row('Drive units/min / quota', (r) => cell(check(r, 'driveUnitsPerMinute'))),
    row('Drive units/day / no-charge threshold', (r) => cell(check(r, 'driveDailyBillingThreshold'))),
    row('Pub/Sub publish MB/s / quota', (r) => cell(check(r, 'pubsubPublishThroughput'))),
    row('Secret Manager accesses/min / quota', (r) => cell(check(r, 'secretManagerAccessesPerMinute'))),
    row('first quota reached (raisable)', (r) => firstText(r.firstLimit.quota)),
    row('first no-charge threshold reached', (r) => firstText(r.firstLimit.billing)),
    row('hard limits exceeded', (r) => (r.failures.length === 0 ? 'none' : r.failures.map((c) => c.resource).join('; '))),
    ...costs,
    row('**total, USD/month**', (r) => `**${usd(r.monthlyUsd)}**`),
  ];
  return [renderSources(loaded, limits), markdownTable(header, rows)].join('\n\n');
}

/** Every limit the model checks, with its source and how old the copy read was. */
export function renderCitations(limits: PlatformLimits): string {
  return markdownTable(
    ['limit', 'value', 'kind', 'source (read ' + limits.read + ')', 'copy'],
    Object.values(limits.limits).map((limit) => [limit.unit, fmt(limit.value), limit.kind, limit.source, limit.copy]),
  );
}

function firstText(first: FirstLimit | undefined): string {
  return first ? `${first.check.service}, ${first.check.resource}: at ~${compact(first.users)} users` : '-';
}

function sum(values: Record<string, number>): number {
  return Object.values(values).reduce((total, n) => total + n, 0);
}
