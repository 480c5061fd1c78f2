import type { WorkMessage } from '../work-message';
import { createLanes, type Lanes } from '../../concurrency/lanes';
import { withLogContext } from '../../logging/log-context';
import { errorReport } from '../../logging/logger';
import { runUser, type RunUserDeps, type UserRunOutcome } from './run-user';

export interface BatchResult {
  outcomes: UserRunOutcome[];
  counts: Record<UserRunOutcome['status'], number>;
}

/**
 * Runs a message's users with bounded concurrency: through `lanes`, which the worker shares among
 * all the messages an instance handles at once (a batch run alone gets lanes of its own). A user
 * whose run throws (Firestore down while recording, say) is counted as failed and left to its
 * lease: failures are per user, never per batch, so the message is always acknowledged and never
 * redelivered to redo finished users.
 */
export async function runBatch(
  message: WorkMessage,
  deadline: number,
  deps: RunUserDeps,
  lanes: Lanes = createLanes(deps.config.concurrency),
): Promise<BatchResult> {
  const outcomes = await Promise.all(
    message.users.map((item) =>
      lanes.run(() =>
        withLogContext({ userId: item.userId }, () =>
          runUser(item, deadline, deps).catch((error: unknown): UserRunOutcome => {
            deps.logger.error('Could not record the outcome of a run; the lease will expire and the user run again', {
              userId: item.userId,
              errorCode: 'storage_unavailable',
              ...errorReport(error),
            });
            return { userId: item.userId, status: 'failed', errorCode: 'storage_unavailable' };
          }),
        ),
      ),
    ),
  );
  const counts = { done: 0, skipped: 0, reauth_required: 0, failed: 0 };
  for (const outcome of outcomes) counts[outcome.status] += 1;
  return { outcomes, counts };
}
