import { MODEL } from './assumptions';
import type { PlatformLimits, Price, PriceName } from './limits';

/** One service's monthly bill at one size, with what it is made of. */
export interface CostLine {
  service: string;
  usd: number;
  /** Usage and rate, e.g. "7.3 B writes x $0.09 / 100k". */
  detail: string;
  /** True when part of the usage has no published price (counted, billed at 0 here). */
  unpriced: boolean;
}

/** Monthly usage the bill is made of, already totalled over the month. */
export interface MonthlyUsage {
  firestoreReads: number;
  firestoreWrites: number;
  firestoreStoredGiB: number;
  runVcpuSeconds: number;
  runGibSeconds: number;
  runRequests: number;
  pubsubBytes: number;
  schedulerJobs: number;
  secretAccesses: number;
  secretVersions: number;
  logBytes: number;
  /** Drive quota units above the daily no-charge threshold, over the month. */
  driveBillableUnits: number;
}

const DAYS_PER_MONTH = MODEL.secondsPerMonth / 86_400;

const USAGE_LABELS: Record<PriceName, string> = {
  firestoreRead: 'document reads',
  firestoreWrite: 'document writes',
  firestoreStorage: 'GiB-months stored',
  runVcpuSecond: 'vCPU-s',
  runGibSecond: 'GiB-s',
  runRequest: 'requests',
  pubsubThroughput: 'bytes published and delivered',
  schedulerJob: 'job',
  secretAccess: 'accesses',
  secretVersion: 'active versions',
  loggingIngestion: 'bytes of log entries',
  driveUnits: 'Drive units above the daily threshold',
};

/** Usage beyond the free allowance (per month, or per day times the days of a month), times the rate. */
function charge(price: Price, usage: number): number {
  const free = price.free ?? price.freePerMonth ?? (price.freePerDay ?? 0) * DAYS_PER_MONTH;
  return ((price.value ?? 0) * Math.max(0, usage - free)) / price.per;
}

export function monthlyCosts(usage: MonthlyUsage, limits: PlatformLimits): CostLine[] {
  const p = limits.prices;
  const line = (service: string, parts: [PriceName, number][], unpriced = false): CostLine => ({
    service,
    usd: parts.reduce((sum, [name, amount]) => sum + charge(p[name], amount), 0),
    detail: parts.map(([name, amount]) => `${compact(amount)} ${USAGE_LABELS[name]} x ${rate(p[name])}`).join('; '),
    unpriced,
  });
  return [
    line('Firestore', [
      ['firestoreRead', usage.firestoreReads],
      ['firestoreWrite', usage.firestoreWrites],
      ['firestoreStorage', usage.firestoreStoredGiB],
    ]),
    line('Cloud Run functions', [
      ['runVcpuSecond', usage.runVcpuSeconds],
      ['runGibSecond', usage.runGibSeconds],
      ['runRequest', usage.runRequests],
    ]),
    line('Pub/Sub', [['pubsubThroughput', usage.pubsubBytes]]),
    line('Cloud Scheduler', [['schedulerJob', usage.schedulerJobs]]),
    line('Secret Manager', [
      ['secretAccess', usage.secretAccesses],
      ['secretVersion', usage.secretVersions],
    ]),
    line('Cloud Logging', [['loggingIngestion', usage.logBytes]]),
    line('Drive API', [['driveUnits', usage.driveBillableUnits]], usage.driveBillableUnits > 0 && p.driveUnits.value === null),
  ];
}

function rate(price: Price): string {
  if (price.value === null) return 'price not published';
  const per = price.per === 1 ? '' : price.per === 2 ** 40 ? ' / TiB' : price.per === 2 ** 30 ? ' / GiB' : ` / ${compact(price.per)}`;
  return `$${price.value}${per}`;
}

/** 7300000 -> "7.3 M". */
export function compact(value: number): string {
  const units: [number, string][] = [
    [1e12, 'T'],
    [1e9, 'B'],
    [1e6, 'M'],
    [1e3, 'k'],
  ];
  for (const [size, suffix] of units) if (Math.abs(value) >= size) return `${trim(value / size)} ${suffix}`;
  return trim(value);
}

function trim(value: number): string {
  return value >= 100 ? String(Math.round(value)) : String(Number(value.toPrecision(2)));
}
