import { sleep } from './http-probe';

export interface BatchTotals {
  messages: number;
  /** Messages finished more than once: Pub/Sub delivered them again (same event id). */
  redelivered: number;
  users: number;
  done: number;
  skipped: number;
  failed: number;
  reauthRequired: number;
}

const empty = (): BatchTotals => ({ messages: 0, redelivered: 0, users: 0, done: 0, skipped: 0, failed: 0, reauthRequired: 0 });

/**
 * Follows the worker's own structured log ("Offline work batch finished", one line per Pub/Sub
 * message) to know when every dispatched user has been handled, without polling Firestore while
 * the bench measures it.
 */
export class BatchLog {
  private totals = empty();
  private readonly eventIds = new Set<string>();

  /** Feed every output line of the worker process here. */
  readonly onLine = (line: string): void => {
    if (!line.includes('Offline work batch finished')) return;
    try {
      const entry = JSON.parse(line) as Record<string, unknown>;
      const n = (key: string): number => (typeof entry[key] === 'number' ? (entry[key] as number) : 0);
      this.totals.messages += 1;
      const eventId = String(entry.eventId);
      if (this.eventIds.has(eventId)) this.totals.redelivered += 1;
      this.eventIds.add(eventId);
      this.totals.users += n('users');
      this.totals.done += n('done');
      this.totals.skipped += n('skipped');
      this.totals.failed += n('failed');
      this.totals.reauthRequired += n('reauth_required');
    } catch {
      // Not one of the worker's JSON lines.
    }
  };

  reset(): void {
    this.totals = empty();
  }

  current(): BatchTotals {
    return { ...this.totals };
  }

  /** Resolves once `users` users have been handled since the last reset; throws after `timeoutMs`. */
  async waitForUsers(users: number, timeoutMs: number): Promise<BatchTotals> {
    const deadline = Date.now() + timeoutMs;
    while (this.totals.users < users) {
      if (Date.now() > deadline) throw new Error(`only ${this.totals.users} of ${users} users were handled within ${timeoutMs / 1000} s`);
      await sleep(20);
    }
    return this.current();
  }
}
