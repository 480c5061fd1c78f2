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

/** Publishes to an existing topic (infra creates it; the local stack and tests create it on the emulator). */
export function createPubSubPublisher(pubsub: PubSub, topic: string): WorkPublisher {
  const handle = pubsub.topic(topic, { batching: { maxMessages: 100, maxMilliseconds: 10 } });
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
export function createShardPublisher(pubsub: PubSub, topic: string): ShardPublisher {
  const handle = pubsub.topic(topic, { batching: { maxMessages: 1000, maxMilliseconds: 10 } });
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
