import type { DocumentSnapshot, Firestore } from '@google-cloud/firestore';
import type { DispatchConfig } from '../../config/offline-config';
import type { Logger } from '../../logging/logger';
import { claimDuePage, type DispatchedUser } from './claim-due-users';
import type { WorkPublisher } from './work-publisher';

export interface DispatchDeps {
  db: Firestore;
  publisher: WorkPublisher;
  config: DispatchConfig;
  collection: string;
  now: () => Date;
  logger: Logger;
}

export interface DispatchResult {
  dispatched: number;
  batches: number;
  /** True when the quota or time budget stopped the run with users still due. */
  truncated: boolean;
}

/**
 * One dispatcher run: page through due users with a cursor, claim them, and stream them to
 * Pub/Sub in batches as each page is claimed, so memory stays at one page whatever the backlog.
 * Stops at MAX_USERS_PER_RUN or the time budget; the next tick carries on.
 */
export async function dispatchOfflineWork(deps: DispatchDeps): Promise<DispatchResult> {
  const started = deps.now();
  const deadline = started.getTime() + deps.config.runBudgetSeconds * 1000;
  let cursor: DocumentSnapshot | undefined;
  let dispatched = 0;
  let batches = 0;
  for (;;) {
    const remaining = deps.config.maxUsersPerRun - dispatched;
    if (remaining <= 0 || deps.now().getTime() >= deadline) return { dispatched, batches, truncated: true };
    const page = await claimDuePage(deps.db, {
      collection: deps.collection,
      pageSize: Math.min(deps.config.pageSize, remaining),
      now: started,
      leaseSeconds: deps.config.leaseSeconds,
      startAfter: cursor,
    });
    if (page.lostRaces > 0) deps.logger.info('Users claimed by another dispatcher were skipped', { lostRaces: page.lostRaces });
    const published = await publishInBatches(deps.publisher, page.claimed, deps.config.batchSize);
    dispatched += page.claimed.length;
    batches += published;
    if (!page.last || page.last === cursor) return { dispatched, batches, truncated: false };
    cursor = page.last;
  }
}

async function publishInBatches(publisher: WorkPublisher, users: DispatchedUser[], batchSize: number): Promise<number> {
  const publishes: Promise<string>[] = [];
  for (let i = 0; i < users.length; i += batchSize) publishes.push(publisher.publish(users.slice(i, i + batchSize)));
  await Promise.all(publishes);
  return publishes.length;
}
