import type { LogFields } from '../../logging/logger';
import type { UserRunOutcome } from './run-user';

export const WORKER_SUMMARY = 'worker';

/**
 * The one summary line of a worker invocation (`summary: "worker"`): users done (of them, cut at
 * the hard stop), skipped by reason, failed by code, marked reauth_required, photos enhanced, and
 * the duration. The flat
 * `done`/`skipped`/`failed`/`reauth_required` counts are the bench's (bench/lib/batch-log.ts).
 */
export function workerSummary(outcomes: readonly UserRunOutcome[], durationMs: number): LogFields {
  const skippedBy: Record<string, number> = {};
  const failedBy: Record<string, number> = {};
  let done = 0;
  let stopped = 0;
  let reauthRequired = 0;
  let photosEnhanced = 0;
  for (const outcome of outcomes) {
    if (outcome.status === 'done') {
      done += 1;
      if (outcome.stopped) stopped += 1;
      photosEnhanced += outcome.summary.enhanced ?? 0;
    } else if (outcome.status === 'skipped') skippedBy[outcome.reason] = (skippedBy[outcome.reason] ?? 0) + 1;
    else if (outcome.status === 'failed') {
      failedBy[outcome.errorCode] = (failedBy[outcome.errorCode] ?? 0) + 1;
      photosEnhanced += outcome.summary?.enhanced ?? 0;
    }
    else reauthRequired += 1;
  }
  const total = (counts: Record<string, number>) => Object.values(counts).reduce((a, b) => a + b, 0);
  return {
    summary: WORKER_SUMMARY,
    users: outcomes.length,
    done,
    stopped,
    skipped: total(skippedBy),
    skippedBy,
    failed: total(failedBy),
    failedBy,
    reauth_required: reauthRequired,
    photosEnhanced,
    durationMs,
  };
}

export function emptyWorkerSummary(durationMs: number): LogFields {
  return workerSummary([], durationMs);
}
