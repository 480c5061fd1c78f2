import type { PubSub } from '@google-cloud/pubsub';
import { encodeShardMessage } from '../shard-message';
import { encodeWorkMessage } from '../work-message';
import type { DispatchedUser } from './claim-due-users';

/** Pub/Sub did not accept a message (topic missing, permission, outage after the client's retries). */
export class PublishFailedError extends Error {
  constructor(cause: unknown) {
    super('Publishing offline work failed', { cause });
    this.name = 'PublishFailedError';
  }
}

export interface WorkPublisher {
  /** Resolves once Pub/Sub has accepted the message. */
  publish(users: readonly DispatchedUser[]): Promise<string>;
}

export interface ShardPublisher {
  /** Resolves once Pub/Sub has accepted one `{"shard": s}` message per shard. */
  publishShards(shards: readonly number[]): Promise<void>;
}

/**
 * How long one publish may take, its client retries included (gax applies `timeout` to the whole
 * call; the client's own default lets a publish retry for 600 s). A shard run stops starting
 * pages at DISPATCH_BUDGET_SECONDS (50), so with a publish started just before then it still ends
 * inside the 120 s the dispatch subscription waits for its answer (docs/capacity.md).
 */
export const DEFAULT_PUBLISH_TIMEOUT_MS = 30_000;

/** Publishes to an existing topic (infra creates it; the local stack and tests create it on the emulator). */
export function createPubSubPublisher(pubsub: PubSub, topic: string, { timeoutMs = DEFAULT_PUBLISH_TIMEOUT_MS } = {}): WorkPublisher {
  const handle = pubsub.topic(topic, { batching: { maxMessages: 100, maxMilliseconds: 10 }, gaxOpts: { timeout: timeoutMs } });
  return {
    publish: (users) =>
      handle
        .publishMessage({ data: encodeWorkMessage({ v: 1, users: [...users] }), attributes: { kind: 'offline-work', v: '1' } })
        .catch((error: unknown) => {
          throw new PublishFailedError(error);
        }),
  };
}

/** The dispatch topic: one message per shard, pushed back to the dispatcher (DISPATCH_TOPIC). */
export function createShardPublisher(pubsub: PubSub, topic: string, { timeoutMs = DEFAULT_PUBLISH_TIMEOUT_MS } = {}): ShardPublisher {
  const handle = pubsub.topic(topic, { batching: { maxMessages: 1000, maxMilliseconds: 10 }, gaxOpts: { timeout: timeoutMs } });
  return {
    publishShards: async (shards) => {
      await Promise.all(
        shards.map((shard) => handle.publishMessage({ data: encodeShardMessage({ shard }), attributes: { kind: 'dispatch-shard', v: '1' } })),
      ).catch((error: unknown) => {
        throw new PublishFailedError(error);
      });
    },
  };
}
