import { type DocumentSnapshot, type Firestore, Timestamp } from '@google-cloud/firestore';
import { mapWithConcurrency } from '../concurrency/map-with-concurrency';
import type { Logger } from '../logging/logger';
import type { MessagePublisher } from './message-publisher';
import { type OutboxEntry, outboxCollection, publishEntry } from './outbox';
import type { UserCloudEvent } from './user-event';

/** The function that made a change publishes its event within seconds; only older entries are someone else's to publish. */
export const SWEEP_MIN_AGE_SECONDS = 60;
const PAGE_SIZE = 200;
/** Entries taken on (published or failed) per tick. */
const MAX_PER_SWEEP = 1_000;
/** Pages read per tick, young and taken entries included: a burst of young ones cannot hide the old ones behind them for ever. */
const MAX_PAGES_PER_SWEEP = 25;
const CONCURRENCY = 16;
const BUDGET_MS = 30_000;

export interface SweepDeps {
  db: Firestore;
  publisher: MessagePublisher;
  now: () => Date;
  logger: Logger;
}

export interface SweepResult {
  published: number;
  /** Pub/Sub refused, or Firestore failed: left for the next tick. */
  failed: number;
  /** Younger than a minute, or taken by another sweep meanwhile. */
  skipped: number;
}

/** One call per dispatcher tick: publishes the outbox entries a crashed or unlucky function left unsent. */
export type OutboxSweeper = () => Promise<SweepResult>;

/**
 * Publishes outbox entries still unsent a minute after they were written (the function that
 * wrote one died, or Pub/Sub refused it then). Each entry is first taken with a write conditioned
 * on its update time, which also moves its `attemptAt` to now: of two overlapping sweeps only one
 * publishes it, and one that dies after taking it leaves it for a sweep a minute later. Bounded
 * per tick (1,000 entries taken, 25 pages of 200 read, 30 s) so the dispatch that follows keeps
 * its budget; entries too young to take do not count against the 1,000. Never throws: a
 * failed sweep is logged and the next tick tries again.
 */
export function createOutboxSweeper(deps: SweepDeps): OutboxSweeper {
  return async () => {
    const result: SweepResult = { published: 0, failed: 0, skipped: 0 };
    try {
      await sweep(deps, result);
    } catch (error) {
      result.failed += 1;
      deps.logger.warn('Sweeping the user-event outbox failed; the next tick tries again', { errorName: error instanceof Error ? error.name : typeof error });
    }
    if (result.published > 0 || result.failed > 0) deps.logger.info('Swept the user-event outbox', { ...result });
    return result;
  };
}

/** USER_EVENTS_TOPIC set to an empty string: there is no outbox to sweep. */
export const NO_OUTBOX_SWEEP: OutboxSweeper = async () => ({ published: 0, failed: 0, skipped: 0 });

async function sweep(deps: SweepDeps, result: SweepResult): Promise<void> {
  const started = deps.now().getTime();
  let cursor: DocumentSnapshot | undefined;
  for (let pages = 0; pages < MAX_PAGES_PER_SWEEP && result.published + result.failed < MAX_PER_SWEEP && deps.now().getTime() - started < BUDGET_MS; pages += 1) {
    let query = outboxCollection(deps.db).where('unsent', '==', true).limit(PAGE_SIZE);
    if (cursor) query = query.startAfter(cursor);
    const page = await query.get();
    await mapWithConcurrency(page.docs, CONCURRENCY, async (doc) => {
      const outcome = await sweepOne(doc, deps);
      result[outcome] += 1;
    });
    if (page.size < PAGE_SIZE) return;
    cursor = page.docs.at(-1);
  }
}

async function sweepOne(doc: DocumentSnapshot, deps: SweepDeps): Promise<keyof SweepResult> {
  const entry = doc.data() as OutboxEntry | undefined;
  const now = deps.now();
  if (!entry?.unsent || !doc.updateTime) return 'skipped';
  if (entry.attemptAt.toMillis() > now.getTime() - SWEEP_MIN_AGE_SECONDS * 1000) return 'skipped';
  const event = readEvent(entry.body);
  if (!event) {
    // Never written by this product: reported, left alone (a person should look at it).
    deps.logger.error('An outbox entry does not hold a user event; it is left unsent', { entryId: doc.id });
    return 'failed';
  }
  try {
    await doc.ref.update({ attemptAt: Timestamp.fromDate(now) }, { lastUpdateTime: doc.updateTime });
  } catch (error) {
    // FAILED_PRECONDITION: another sweep took it, or its publisher marked it sent meanwhile.
    if ((error as { code?: unknown }).code === 9) return 'skipped';
    throw error;
  }
  const published = await publishEntry(doc.ref, entry.body, event, deps.publisher, deps.now);
  const fields = { eventId: event.id, eventType: event.type, userId: event.subject };
  if (published.outcome === 'sent') {
    deps.logger.info('Published a user event its function left unsent', fields);
    return 'published';
  }
  deps.logger.warn(
    published.outcome === 'publish_failed' ? 'A user event is still not accepted by Pub/Sub; the next tick tries again' : 'A user event was published but not marked sent; it may be published again, with the same id',
    { ...fields, ...published.failure },
  );
  return published.outcome === 'publish_failed' ? 'failed' : 'published';
}

function readEvent(body: unknown): Pick<UserCloudEvent, 'type' | 'id' | 'subject'> | undefined {
  if (typeof body !== 'string') return undefined;
  try {
    const event = JSON.parse(body) as Partial<UserCloudEvent>;
    return typeof event.id === 'string' && typeof event.type === 'string' && typeof event.subject === 'string'
      ? { id: event.id, type: event.type, subject: event.subject }
      : undefined;
  } catch {
    return undefined;
  }
}
