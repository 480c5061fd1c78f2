import type { Message, Subscription } from '@google-cloud/pubsub';
import type { DispatchedUser } from '../../../functions/src/offline/dispatch/claim-due-users';
import { decodeWorkMessage } from '../../../functions/src/offline/work-message';
import { sleep } from '../../lib/http-probe';
import type { Population } from './population';

/**
 * Reads the work topic through a pull subscription while the dispatcher publishes, as a worker
 * fleet would receive it: every message, when Pub/Sub accepted it (`publishTime`, set by the
 * emulator), and its users. Each user's first publication says when it left the dispatcher.
 */
export class WorkLog {
  messages = 0;
  /** Messages that are not work messages (a bug in the dispatcher's encoding). */
  malformed = 0;
  /** User ids that are not in the population (a bug, or a stray document). */
  strangers = 0;
  /** Publications of users already published before (claimed again after their claim expired). */
  republished = 0;
  /** First publish time (ms) per user index; 0 = not yet published. */
  readonly firstPublished: Float64Array;
  /** The claim (`dispatchId`) of each user's latest publication, by user index. */
  readonly lastDispatchId: (string | undefined)[];
  /** Publish time (ms) of every publication, in arrival order, with its user index. */
  readonly publications: { user: number; at: number }[] = [];
  distinct = 0;
  lastFirstPublished = 0;
  private readonly listeners: ((users: DispatchedUser[]) => void)[] = [];

  constructor(
    private readonly subscription: Subscription,
    private readonly population: Population,
  ) {
    this.firstPublished = new Float64Array(population.ids.length);
    this.lastDispatchId = new Array<string | undefined>(population.ids.length);
    subscription.on('message', (message: Message) => this.onMessage(message));
    subscription.on('error', () => undefined);
  }

  /** Called with every message's users as it arrives (the bench's stand-in worker runs them). */
  onUsers(listener: (users: DispatchedUser[]) => void): void {
    this.listeners.push(listener);
  }

  /** Resolves once every user of the population was published at least once; false after `timeoutMs` or once `giveUp` holds. */
  async waitForEveryUser(timeoutMs: number, giveUp: () => boolean = () => false): Promise<boolean> {
    const deadline = Date.now() + timeoutMs;
    while (this.distinct < this.population.ids.length) {
      if (Date.now() > deadline || giveUp()) return false;
      await sleep(50);
    }
    return true;
  }

  /** Resolves once no message arrived for `quietMs`, or after `timeoutMs`. */
  async waitForQuiet(quietMs: number, timeoutMs: number): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    let seen = this.messages;
    let quietSince = Date.now();
    while (Date.now() < deadline) {
      await sleep(100);
      if (this.messages !== seen) {
        seen = this.messages;
        quietSince = Date.now();
      } else if (Date.now() - quietSince >= quietMs) return;
    }
  }

  unpublished(): string[] {
    return this.population.ids.filter((_, i) => this.firstPublished[i] === 0);
  }

  async close(): Promise<void> {
    this.subscription.removeAllListeners('message');
    await this.subscription.close();
  }

  private onMessage(message: Message): void {
    message.ack();
    this.messages += 1;
    const decoded = decodeWorkMessage(message.data);
    if (!decoded) {
      this.malformed += 1;
      return;
    }
    const at = message.publishTime.getTime();
    for (const user of decoded.users) {
      const i = this.population.index.get(user.userId);
      if (i === undefined) {
        this.strangers += 1;
        continue;
      }
      this.publications.push({ user: i, at });
      this.lastDispatchId[i] = user.dispatchId;
      if (this.firstPublished[i] === 0) {
        this.firstPublished[i] = at;
        this.distinct += 1;
        this.lastFirstPublished = Math.max(this.lastFirstPublished, at);
      } else {
        this.republished += 1;
      }
    }
    for (const listener of this.listeners) listener(decoded.users);
  }
}
