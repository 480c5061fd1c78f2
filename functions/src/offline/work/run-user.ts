import { FieldValue, Timestamp } from '@google-cloud/firestore';
import type { OAuth2Client } from 'google-auth-library';
import type { WorkerConfig } from '../../config/offline-config';
import { createDriveClient } from '../../drive/drive-client';
import type { DriveConfig } from '../../drive/drive-config';
import { isCallerAbort } from '../../google/http-failure';
import { GrantRevokedError } from '../../google/refresh-access-token';
import type { RetryPolicy } from '../../retry/retry';
import { missingScopes } from '../../google/scopes';
import { UserAuthClient } from '../../google/user-auth-client';
import { isOfflineJobError } from '../../jobs/offline-job-error';
import type { JobCursor, OfflineJob, OfflineJobResult } from '../../jobs/offline-job';
import { errorReport, type Logger } from '../../logging/logger';
import type { TokenVault } from '../../tokens/vault';
import type { DispatchedUser } from '../dispatch/claim-due-users';
import { type Lease, type LeaseStore, type RunChange, runChanges, type SkipReason } from './lease-store';
import { nextRegularRun, nextRunAfterFailure, nextRunAfterSuccess } from './next-run';
import { describeRunFailure, isUserWait, type RunErrorCode, type UserWaitCode, WAITS_FOR_OPERATOR } from './run-failure';
import { UserAccess } from './user-access';

export interface RunUserDeps {
  leases: LeaseStore;
  vault: TokenVault;
  oauth: OAuth2Client;
  jobs: readonly OfflineJob[];
  config: WorkerConfig;
  refreshRetry: RetryPolicy;
  drive: DriveConfig;
  /** Identifies this worker invocation in leases. */
  owner: string;
  /** This invocation's hard stop: aborts the Google calls its runs still have in flight (worker-handler.ts). */
  stop?: AbortSignal;
  now: () => Date;
  random: () => number;
  logger: Logger;
}

export type UserRunOutcome =
  | { userId: string; status: 'done'; pending: boolean; summary: Record<string, number>; stopped?: true }
  | { userId: string; status: 'skipped'; reason: SkipReason | 'past_deadline' }
  | { userId: string; status: 'reauth_required' }
  // `summary`: what the run still did, when only the user's state stopped a job (a full Drive).
  | { userId: string; status: 'failed'; errorCode: RunErrorCode; summary?: Record<string, number> };

/**
 * One user's offline run: lease, access token, each job, then one final write that records the
 * result, schedules the next run and releases the lease. Every failure is this user's alone and
 * ends in a recorded state; a crash at any point leaves the lease to expire and the user due again.
 */
export async function runUser(item: DispatchedUser, deadline: number, deps: RunUserDeps): Promise<UserRunOutcome> {
  const taken = await deps.leases.take({ ...item, owner: deps.owner, now: deps.now(), leaseSeconds: deps.config.leaseSeconds });
  if (taken.kind === 'skipped') return { userId: item.userId, status: 'skipped', reason: taken.reason };
  const lease = taken.lease;
  const logger = deps.logger.child({ userId: item.userId });
  // Its turn in the lanes came after the deadline: no job would start, so no refresh either.
  if (deps.now().getTime() >= deadline) return releaseUnstarted(lease, deps, logger);
  const access = new UserAccess(lease, { oauth: deps.oauth, vault: deps.vault, leases: deps.leases, retry: deps.refreshRetry, stop: deps.stop, now: deps.now });
  const progress: Record<string, unknown> = {};
  // A job stopped by the user's own state (a full Drive): the other jobs still run, and however the
  // run ends, the wait is recorded.
  let waiting: { code: UserWaitCode } | undefined;
  try {
    const token = await access.current();
    const auth = new UserAuthClient(token, () => access.refresh(), deps.drive.timeoutMs);
    const signal = deps.stop ?? new AbortController().signal;
    const drive = createDriveClient({
      authClient: auth,
      rootUrl: deps.drive.rootUrl,
      timeoutMs: deps.drive.timeoutMs,
      retry: { maxRetries: deps.drive.maxRetries, maxRetryDelayMs: deps.drive.maxRetryDelayMs },
      signal,
    });
    let pending = false;
    let runAgainInSeconds: number | undefined;
    const summary: Record<string, number> = {};
    for (const job of jobsFor(lease, deps.jobs)) {
      const result = await job
        .run({ user: { id: item.userId, ...(lease.record.email ? { email: lease.record.email } : {}) }, drive, auth, cursor: savedCursor(lease, job), logger, deadline, signal, now: () => deps.now().getTime(), unfinishedRuns: lease.unfinishedRuns })
        .catch((error: unknown): WaitingJob => {
          if (isOfflineJobError(error) && error.resumeCursor) progress[`jobs.${job.name}.cursor`] = error.resumeCursor;
          if (!isOfflineJobError(error) || !isUserWait(error.code) || access.grantRevoked) throw error;
          waiting ??= { code: error.code };
          // Its cursor is the resume cursor kept above; what it did before stopping is counted.
          return { cursor: undefined, summary: error.summary, done: true };
        });
      // A job may have caught the revocation its Drive call met; the run ends here all the same.
      if (access.grantRevoked) throw new GrantRevokedError();
      if (result.cursor !== undefined) progress[`jobs.${job.name}`] = { cursor: result.cursor, summary: result.summary, lastRunAt: Timestamp.fromDate(deps.now()) };
      pending ||= !result.done;
      if (result.runAgainInSeconds !== undefined) runAgainInSeconds = Math.min(runAgainInSeconds ?? Infinity, result.runAgainInSeconds);
      for (const [key, value] of Object.entries(result.summary)) summary[key] = (summary[key] ?? 0) + value;
    }
    const wait = waitWrites(lease, waiting);
    const written = await deps.leases.finish(lease, {
      ...(await access.pendingWrites()),
      ...progress,
      // A waiting job asks for nothing sooner than the regular interval; the other jobs may.
      ...finishedRun(deps, summary, !pending, runAgainInSeconds),
      // Every job returned: whatever took earlier runs down was got past (or marked) this time.
      unfinishedRuns: FieldValue.delete(),
      ...(waiting ? { lastError: waiting.code } : {}),
      ...wait.fields,
    }, runChanges(access.scopesChange(), wait.change));
    if (!waiting) return { userId: item.userId, status: 'done', pending, summary };
    // The user's own state, not a fault of the service: nothing for anyone running it to look at.
    if (written !== false) logger.info('Offline run paused until the user acts; due again after the regular interval', { errorCode: waiting.code });
    return { userId: item.userId, status: 'failed', errorCode: waiting.code, summary };
  } catch (error) {
    if (error instanceof GrantRevokedError || access.grantRevoked) return markReauthRequired(lease, deps, logger);
    // A job that waits for the user, then another that failed or was cut: the wait is kept too.
    const wait = waiting ? waitWrites(lease, waiting) : { fields: {}, change: undefined };
    const kept: RunKept = { keep: { ...(await access.pendingWrites()), ...progress, ...wait.fields }, change: runChanges(access.scopesChange(), wait.change) };
    // The hard stop cut a call in flight: the run stopped at its deadline, whatever the job made of
    // the abort. A failure of another cause (a refresh, our key) is recorded as that failure.
    if (deps.stop?.aborted && !access.refreshFailure && cutBy(deps.stop, error)) return recordStopped(lease, error, kept, deps, logger);
    // A refresh a Drive 401 asked for fails inside the job's call; the job saw it as its own failure.
    return recordFailure(lease, access.refreshFailure?.error ?? error, kept, deps, logger);
  }
}

/** What a job stopped by the user's state counts as in the run: done with its part, its cursor already kept. */
type WaitingJob = Omit<OfflineJobResult, 'cursor'> & { cursor: undefined };

/** A run's record once it ended without failing: when, its summary, no error, and when next. */
function finishedRun(deps: RunUserDeps, summary: Record<string, number>, done: boolean, runAgainInSeconds?: number): Record<string, unknown> {
  const now = deps.now();
  return {
    lastRunAt: Timestamp.fromDate(now),
    lastSummary: summary,
    lastError: FieldValue.delete(),
    attempts: FieldValue.delete(),
    nextRunAt: Timestamp.fromDate(nextRunAfterSuccess(now, deps.config.intervalSeconds, done, deps.random, runAgainInSeconds)),
  };
}

function jobsFor(lease: Lease, jobs: readonly OfflineJob[]): OfflineJob[] {
  return jobs.filter((job) => missingScopes(job.requiredScopes, lease.record.scopes ?? []).length === 0);
}

function savedCursor(lease: Lease, job: OfflineJob): JobCursor | undefined {
  const cursor = lease.record.jobs?.[job.name]?.cursor;
  return cursor && typeof cursor === 'object' ? (cursor as JobCursor) : undefined;
}

async function markReauthRequired(lease: Lease, deps: RunUserDeps, logger: Logger): Promise<UserRunOutcome> {
  const written = await deps.leases.finish(lease, {
    status: 'reauth_required',
    lastError: 'reauth_required',
    refreshToken: FieldValue.delete(),
    refreshTokenIds: FieldValue.delete(),
    accessToken: FieldValue.delete(),
    accessTokenExpiresAt: FieldValue.delete(),
    updatedAt: Timestamp.fromDate(deps.now()),
  }, () => ({ kind: 'reauth_required', userId: lease.userId, status: 'reauth_required', reason: 'invalid_grant' }));
  if (written === 'grant_replaced') {
    logger.info('The grant this run held was refused, but the user signed in again meanwhile; the new grant stays', { skipReason: 'grant_replaced' });
    return { userId: lease.userId, status: 'skipped', reason: 'grant_replaced' };
  }
  logger.info('Grant revoked or expired; the user must sign in again', { errorCode: 'reauth_required', reauthReason: 'invalid_grant' });
  return { userId: lease.userId, status: 'reauth_required' };
}

/** What an ended run keeps whatever its end: refreshed-token writes, job progress, a scopes change. */
interface RunKept {
  keep: Record<string, unknown>;
  change: RunChange | undefined;
}

/** Whether the error is the stop's doing: its reason, or a call it aborted, along the causes. */
function cutBy(stop: AbortSignal, error: unknown): boolean {
  for (let at = error, depth = 0; at !== undefined && at !== null && depth < 8; depth += 1) {
    if (at === stop.reason || isCallerAbort(at)) return true;
    at = (at as { cause?: unknown }).cause;
  }
  return false;
}

/**
 * A user whose turn in the lanes came only after the invocation's deadline: nothing was run, so
 * nothing of the last run's record changes; the lease and the claim go, and the user is due again
 * in a minute rather than when the claim would have expired.
 */
async function releaseUnstarted(lease: Lease, deps: RunUserDeps, logger: Logger): Promise<UserRunOutcome> {
  logger.info('Run not started: the invocation reached its deadline first; due again in a minute', { notStarted: true });
  const nextRunAt = nextRunAfterSuccess(deps.now(), deps.config.intervalSeconds, false, deps.random);
  await deps.leases.finish(lease, { nextRunAt: Timestamp.fromDate(nextRunAt) }, undefined);
  return { userId: lease.userId, status: 'skipped', reason: 'past_deadline' };
}

/**
 * A run the invocation's hard stop cut: recorded like one stopped at its deadline with work pending
 * (the jobs' resume cursors kept, due again in a minute), not as a failure of the user's. What was
 * in flight is done again next run; the jobs make nothing twice (enhance-one.ts, session-run.ts).
 */
async function recordStopped(lease: Lease, error: unknown, { keep, change }: RunKept, deps: RunUserDeps, logger: Logger): Promise<UserRunOutcome> {
  const summary = isOfflineJobError(error) ? error.summary : {};
  logger.warn('Run cut at the hard stop; the work in flight is done again next run', { stopped: true, ...(error instanceof Error ? { errorName: error.name } : {}) });
  await deps.leases.finish(lease, { ...keep, ...finishedRun(deps, summary, false) }, change);
  return { userId: lease.userId, status: 'done', pending: true, summary, stopped: true };
}

async function recordFailure(lease: Lease, error: unknown, { keep, change }: RunKept, deps: RunUserDeps, logger: Logger): Promise<UserRunOutcome> {
  const failure = describeRunFailure(error);
  const attempts = (lease.record.attempts ?? 0) + 1;
  const now = deps.now();
  // job_failed is what no code foresaw: reported with its stack frames, for Error Reporting.
  if (failure.code === 'job_failed') logger.error('Offline run failed; the user is rescheduled', { errorCode: failure.code, attempts, ...errorReport(error) });
  // Google refusing our OAuth client is the deployment's, for every user: the operator is told.
  else if (failure.code === 'oauth_client_misconfigured') logger.error('Google refused the OAuth client; the user is rescheduled', { errorCode: failure.code, attempts });
  else logger.warn('Offline run failed; the user is rescheduled', { errorCode: failure.code, attempts, ...(error instanceof Error ? { errorName: error.name } : {}) });
  const nextRunAt = WAITS_FOR_OPERATOR.has(failure.code)
    ? nextRegularRun(now, deps.config.intervalSeconds, deps.random)
    : nextRunAfterFailure(now, attempts, deps.config.intervalSeconds, failure.retryAfterMs, deps.random);
  await deps.leases.finish(lease, { ...keep, lastError: failure.code, attempts, nextRunAt: Timestamp.fromDate(nextRunAt) }, change);
  return { userId: lease.userId, status: 'failed', errorCode: failure.code };
}

/**
 * What a run's final write records of the wait: a job stopped for the user's state sets
 * `waitingForUser` (and `work_paused`, the first time); a run whose jobs all got through deletes
 * it (and says `work_resumed` if it was set).
 */
function waitWrites(lease: Lease, waiting: { code: UserWaitCode } | undefined): { fields: Record<string, unknown>; change: RunChange } {
  if (waiting) return { fields: { waitingForUser: waiting.code }, change: workPaused(lease.userId, waiting.code) };
  return { fields: { waitingForUser: FieldValue.delete() }, change: workResumed(lease.userId) };
}

/** `work_paused`, when the document as the final write finds it was not waiting for this already. */
function workPaused(userId: string, reason: UserWaitCode): RunChange {
  return (current) => (current.waitingForUser === reason ? undefined : { kind: 'work_paused', userId, status: 'active', reason });
}

/** `work_resumed`, when the document was waiting for the user (a run whose jobs all returned ends the wait). */
function workResumed(userId: string): RunChange {
  return (current) => (isUserWait(current.waitingForUser) ? { kind: 'work_resumed', userId, status: 'active', reason: current.waitingForUser } : undefined);
}
