import type { WorkMessage } from '../work-message';
import { mapWithConcurrency } from '../../concurrency/map-with-concurrency';
import { runUser, type RunUserDeps, type UserRunOutcome } from './run-user';

export interface BatchResult {
  outcomes: UserRunOutcome[];
  counts: Record<UserRunOutcome['status'], number>;
}

/**
 * Runs a message's users with bounded concurrency. A user whose run throws (Firestore down while
 * recording, say) is counted as failed and left to its lease: failures are per user, never per
 * batch, so the message is always acknowledged and never redelivered to redo finished users.
 */
export async function runBatch(message: WorkMessage, deadline: number, deps: RunUserDeps): Promise<BatchResult> {
  const outcomes = await mapWithConcurrency(message.users, deps.config.concurrency, (item) =>
    runUser(item, deadline, deps).catch((error: unknown): UserRunOutcome => {
      deps.logger.error('Could not record the outcome of a run; the lease will expire and the user run again', {
        userId: item.userId,
        errorName: error instanceof Error ? error.name : typeof error,
      });
      return { userId: item.userId, status: 'failed', errorCode: 'storage_unavailable' };
    }),
  );
  const counts = { done: 0, skipped: 0, reauth_required: 0, failed: 0 };
  for (const outcome of outcomes) counts[outcome.status] += 1;
  return { outcomes, counts };
}
