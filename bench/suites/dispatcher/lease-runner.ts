import { FieldValue, type Firestore, Timestamp } from '@google-cloud/firestore';
import { randomUUID } from 'node:crypto';
import type { DispatchedUser } from '../../../functions/src/offline/dispatch/claim-due-users';
import { USER_EVENTS_OFF } from '../../../functions/src/events/user-events';
import { LeaseStore, type SkipReason } from '../../../functions/src/offline/work/lease-store';
import { nextRegularRun } from '../../../functions/src/offline/work/next-run';
import { sleep } from '../../lib/http-probe';

export interface RunTotals {
  /** Users whose lease was taken and whose run finished (the run counter was incremented). */
  ran: number;
  /** Messages the worker's mechanism refused, by reason (a stale dispatch id is a superseded claim). */
  skipped: Partial<Record<SkipReason, number>>;
  /** A finish that found its lease lost (would mean two runs overlapped). */
  lostLeases: number;
  /** Attempts that threw (the emulator refused or timed out); retried like a redelivered message. */
  errors: number;
  /** Users given up on after every retry failed. */
  abandoned: number;
}

/**
 * The worker's own exactly-once mechanism, without its Google calls: for each `{userId,
 * dispatchId}` it takes the lease with the production LeaseStore (the message must carry the
 * document's current `dispatch.id` and no live lease may be held), then finishes it, incrementing
 * a `runs` counter and moving `nextRunAt` an interval ahead as a successful run does. Each user's
 * `runs` is then exactly the number of times a worker would have run it.
 */
export class LeaseRunner {
  readonly totals: RunTotals = { ran: 0, skipped: {}, lostLeases: 0, errors: 0, abandoned: 0 };
  private readonly queue: DispatchedUser[] = [];
  private active = 0;
  private readonly leases: LeaseStore;
  private readonly owner = `bench-${randomUUID().slice(0, 8)}`;

  constructor(
    db: Firestore,
    collection: string,
    private readonly options: { concurrency: number; leaseSeconds: number; intervalSeconds: number },
  ) {
    // No lifecycle events: a run that only moves the schedule makes none.
    this.leases = new LeaseStore(db, collection, USER_EVENTS_OFF);
  }

  enqueue(users: readonly DispatchedUser[]): void {
    this.queue.push(...users);
    while (this.active < this.options.concurrency && this.queue.length > 0) {
      this.active += 1;
      void this.lane().finally(() => {
        this.active -= 1;
      });
    }
  }

  /** Resolves once everything enqueued has been run or refused; false after `timeoutMs`. */
  async drain(timeoutMs: number): Promise<boolean> {
    const deadline = Date.now() + timeoutMs;
    while (this.queue.length > 0 || this.active > 0) {
      if (Date.now() > deadline) return false;
      await sleep(50);
    }
    return true;
  }

  private async lane(): Promise<void> {
    for (let next = this.queue.shift(); next; next = this.queue.shift()) await this.run(next);
  }

  /** Each step retried on its own (with backoff), as a redelivery would, so a failed finish does not strand a held lease. */
  private async retrying<T>(step: () => Promise<T>): Promise<T | undefined> {
    for (let attempt = 1; attempt <= 5; attempt += 1) {
      try {
        return await step();
      } catch {
        this.totals.errors += 1;
        await sleep(200 * 2 ** attempt);
      }
    }
    this.totals.abandoned += 1;
    return undefined;
  }

  private async run(user: DispatchedUser): Promise<void> {
    const outcome = await this.retrying(() => this.leases.take({ ...user, owner: this.owner, now: new Date(), leaseSeconds: this.options.leaseSeconds }));
    if (!outcome) return;
    if (outcome.kind === 'skipped') {
      this.totals.skipped[outcome.reason] = (this.totals.skipped[outcome.reason] ?? 0) + 1;
      return;
    }
    const nextRunAt = Timestamp.fromDate(nextRegularRun(new Date(), this.options.intervalSeconds, Math.random));
    const finished = await this.retrying(() => this.leases.finish(outcome.lease, { runs: FieldValue.increment(1), lastRunAt: Timestamp.now(), nextRunAt }));
    if (finished === true) this.totals.ran += 1;
    else if (finished === false) this.totals.lostLeases += 1;
  }
}
