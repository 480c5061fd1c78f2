import type { PubSub, Topic } from '@google-cloud/pubsub';

/**
 * Publishes one message to one topic, or fails within `timeoutMs` (retries included). The Pub/Sub
 * client library is loaded on the first publish: the exchange and disconnect, which publish
 * only when a user's state changes, do not pay 0.1-0.2 s of module loading at every cold start.
 */
export interface MessagePublisher {
  /** Resolves once Pub/Sub has accepted the message. */
  publish(data: string, attributes: Readonly<Record<string, string>>): Promise<void>;
  close(): Promise<void>;
}

/** Enough for Pub/Sub's own retries of a brief blip; short enough that an event is out within seconds of its change. */
export const DEFAULT_PUBLISH_TIMEOUT_MS = 4_000;

export interface MessagePublisherOptions {
  projectId: string;
  topic: string;
  timeoutMs?: number;
  /** A client to share (the dispatcher has one); otherwise one is created on first use and closed by `close()`. */
  pubsub?: PubSub;
}

export function createMessagePublisher(options: MessagePublisherOptions): MessagePublisher {
  const timeout = options.timeoutMs ?? DEFAULT_PUBLISH_TIMEOUT_MS;
  let owned: PubSub | undefined;
  let topic: Promise<Topic> | undefined;
  const handle = (): Promise<Topic> =>
    (topic ??= (async () => {
      const pubsub = options.pubsub ?? (owned = new (await import('@google-cloud/pubsub')).PubSub({ projectId: options.projectId }));
      // gax applies `timeout` to the whole call, its retries included.
      return pubsub.topic(options.topic, { batching: { maxMessages: 100, maxMilliseconds: 5 }, gaxOpts: { timeout } });
    })());
  return {
    publish: async (data, attributes) => {
      await (await handle()).publishMessage({ data: Buffer.from(data, 'utf8'), attributes: { ...attributes } });
    },
    close: async () => {
      await owned?.close();
    },
  };
}
