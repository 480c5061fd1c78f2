import { type Firestore, type Query, Timestamp } from '@google-cloud/firestore';
import { readDispatcherRuns, type RecordedRun, type RecordedTick } from '../../functions/src/offline/dispatch/dispatch-runs';
import { DueIndex } from '../../functions/src/offline/due-index/due-index';
import type { RunErrorCode } from '../../functions/src/offline/work/run-failure';
import type { UserStatus } from '../../functions/src/users/user-record';

/**
 * The fleet report (`npm run fleet`, docs/monitoring.md): Firestore `count()` aggregations and one
 * single-document read per shard, each served by an index deploy.sh creates
 * (infra/firestore.indexes.json, listed in FLEET_INDEXES): never a scan of the users collection.
 */
export const FLEET_INDEXES = {
  /** Users by status (`updatedAt >= 0` matches every user), and status changes of the last 24 h. */
  statusSince: ['status', 'updatedAt'],
  /** Active users by `lastError`. */
  activeByError: ['status', 'lastError'],
  /** The due index: per shard, how many are due and the oldest of them. */
  due: ['status', 'shard', 'nextRunAt'],
} as const;

const STATUSES = ['active', 'reauth_required', 'disconnected'] as const satisfies readonly UserStatus[];
const ERROR_CODES = [
  'upstream_unavailable',
  'upstream_rate_limited',
  'upstream_unauthorized',
  'upstream_forbidden',
  'upstream_rejected',
  'drive_storage_full',
  'oauth_client_misconfigured',
  'key_unavailable',
  'key_misconfigured',
  'token_unreadable',
  'storage_unavailable',
  'job_failed',
] as const satisfies readonly Exclude<RunErrorCode, 'reauth_required'>[];
// Every code an active user can have recorded (reauth_required users are no longer active) is listed.
const listsEveryCode: Exclude<RunErrorCode, 'reauth_required' | (typeof ERROR_CODES)[number]> extends never ? true : never = true;
void listsEveryCode;

const DAY_MS = 86_400_000;

export interface ShardLag {
  shard: number;
  due: number;
  /** How long the oldest due user of the shard has been due (0 when none is). */
  oldestDueSeconds: number;
  behindIntervals: number;
  lastRun: RecordedRun | undefined;
}

export interface FleetReport {
  at: Date;
  collection: string;
  intervalSeconds: number;
  usersByStatus: Record<(typeof STATUSES)[number], number>;
  /** Active users whose last run failed, by the code it recorded; `other` for a code this report does not know. */
  activeByLastError: Record<string, number>;
  shards: ShardLag[];
  last24h: { connected: number; reauthRequired: number; disconnected: number };
  lastTick: RecordedTick | undefined;
}

export interface FleetReportOptions {
  collection: string;
  /** OFFLINE_WORK_INTERVAL of the deployment: "behind" is also said in intervals. */
  intervalSeconds: number;
  now: Date;
}

const count = async (query: Query): Promise<number> => (await query.count().get()).data().count;

export async function collectFleetReport(db: Firestore, options: FleetReportOptions): Promise<FleetReport> {
  const users = db.collection(options.collection);
  const since = (status: string, from: Date) => users.where('status', '==', status).where('updatedAt', '>=', Timestamp.fromDate(from));
  const dayAgo = new Date(options.now.getTime() - DAY_MS);
  const { shards: shardCount } = await new DueIndex(db, options.collection).state(0);
  const runs = await readDispatcherRuns(db, options.collection, shardCount);

  const [byStatus, errors, failing, recent, shards] = await Promise.all([
    Promise.all(STATUSES.map((status) => count(since(status, new Date(0))))),
    Promise.all(ERROR_CODES.map((code) => count(users.where('status', '==', 'active').where('lastError', '==', code)))),
    count(users.where('status', '==', 'active').where('lastError', '>', '')),
    Promise.all([since('active', dayAgo), since('reauth_required', dayAgo), since('disconnected', dayAgo)].map(count)),
    Promise.all(Array.from({ length: shardCount }, (_, shard) => shardLag(users.where('status', '==', 'active').where('shard', '==', shard), shard, runs.shards[shard], options))),
  ]);
  const activeByLastError: Record<string, number> = {};
  ERROR_CODES.forEach((code, i) => {
    if (errors[i]! > 0) activeByLastError[code] = errors[i]!;
  });
  const known = errors.reduce((a, b) => a + b, 0);
  if (failing > known) activeByLastError.other = failing - known;
  return {
    at: options.now,
    collection: options.collection,
    intervalSeconds: options.intervalSeconds,
    usersByStatus: { active: byStatus[0]!, reauth_required: byStatus[1]!, disconnected: byStatus[2]! },
    activeByLastError,
    shards,
    last24h: { connected: recent[0]!, reauthRequired: recent[1]!, disconnected: recent[2]! },
    lastTick: runs.tick,
  };
}

async function shardLag(active: Query, shard: number, lastRun: RecordedRun | undefined, options: FleetReportOptions): Promise<ShardLag> {
  const due = active.where('nextRunAt', '<=', Timestamp.fromDate(options.now)).orderBy('nextRunAt');
  const [dueCount, oldest] = await Promise.all([count(due), due.select('nextRunAt').limit(1).get()]);
  const nextRunAt = oldest.docs[0]?.get('nextRunAt') as Timestamp | undefined;
  const oldestDueSeconds = nextRunAt ? Math.max(0, Math.round((options.now.getTime() - nextRunAt.toMillis()) / 1000)) : 0;
  return { shard, due: dueCount, oldestDueSeconds, behindIntervals: round2(oldestDueSeconds / options.intervalSeconds), lastRun };
}

const round2 = (n: number) => Math.round(n * 100) / 100;

/** The report as an operator reads it in a terminal. */
export function formatFleetReport(report: FleetReport): string {
  const lines: string[] = [];
  const ago = (at: Date) => `${duration((report.at.getTime() - at.getTime()) / 1000)} ago`;
  lines.push(`Fleet of ${report.collection} at ${report.at.toISOString()} (interval ${duration(report.intervalSeconds)})`, '');
  lines.push('Users by status');
  for (const [status, n] of Object.entries(report.usersByStatus)) lines.push(`  ${status.padEnd(24)} ${n}`);
  lines.push('', 'Active users by lastError');
  const errors = Object.entries(report.activeByLastError);
  if (errors.length === 0) lines.push('  (none: every active user\'s last run succeeded)');
  for (const [code, n] of errors.sort((a, b) => b[1] - a[1])) lines.push(`  ${code.padEnd(24)} ${n}`);
  lines.push('', 'Last 24 h');
  lines.push(`  ${'connected (signed in)'.padEnd(24)} ${report.last24h.connected}`);
  lines.push(`  ${'lost to reauth_required'.padEnd(24)} ${report.last24h.reauthRequired}`);
  lines.push(`  ${'disconnected'.padEnd(24)} ${report.last24h.disconnected}`);
  lines.push('', 'Due index, per shard: due now, oldest due behind, last dispatcher run');
  if (report.shards.length === 0) lines.push('  (no shard yet: the dispatcher has not run)');
  for (const s of report.shards) {
    const run = s.lastRun ? `${ago(s.lastRun.at)}: ${s.lastRun.dispatched} dispatched${s.lastRun.truncated ? ', truncated' : ''} in ${s.lastRun.durationMs} ms` : 'never';
    lines.push(`  shard ${String(s.shard).padStart(3)}  ${String(s.due).padStart(8)} due  ${duration(s.oldestDueSeconds).padStart(8)} behind (${s.behindIntervals} intervals)  last run ${run}`);
  }
  lines.push('', `Last dispatcher tick: ${report.lastTick ? `${ago(report.lastTick.at)}, ${report.lastTick.shards} shards ${report.lastTick.fannedOut ? 'fanned out' : 'claimed'}` : 'never'}`);
  return `${lines.join('\n')}\n`;
}

function duration(seconds: number): string {
  if (seconds < 120) return `${Math.round(seconds)} s`;
  if (seconds < 7200) return `${Math.round(seconds / 60)} min`;
  return `${Math.round((seconds / 3600) * 10) / 10} h`;
}
