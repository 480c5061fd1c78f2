import { randomUUID } from 'node:crypto';
import { PubSub, type Subscription, type Topic } from '@google-cloud/pubsub';
import { decodeWorkMessage, type WorkMessage } from '../../functions/src/offline/work-message';

/** A Pub/Sub client on the run's emulator (PUBSUB_EMULATOR_HOST, set by globalSetup). */
export function emulatorPubSub(projectId: string): PubSub {
  if (!process.env.PUBSUB_EMULATOR_HOST) throw new Error('PUBSUB_EMULATOR_HOST is not set: run tests through jest');
  return new PubSub({ projectId });
}

export async function createTopicWithPullSubscription(pubsub: PubSub): Promise<{ topic: Topic; subscription: Subscription }> {
  const [topic] = await pubsub.createTopic(`work-${randomUUID().slice(0, 8)}`);
  const [subscription] = await topic.createSubscription(`pull-${randomUUID().slice(0, 8)}`);
  return { topic, subscription };
}

/** Pulls every work message currently in the subscription (acknowledging them). */
export async function drainWorkMessages(subscription: Subscription, quietMs = 700): Promise<WorkMessage[]> {
  return (await drainMessages(subscription, quietMs)).map(decodeWorkMessage).filter((m): m is WorkMessage => m !== undefined);
}

/** Pulls the data of every message currently in the subscription (acknowledging them), until it has been quiet for `quietMs`. */
export async function drainMessages(subscription: Subscription, quietMs = 700): Promise<Buffer[]> {
  const messages: Buffer[] = [];
  await new Promise<void>((resolve) => {
    let timer = setTimeout(finish, quietMs * 3);
    function finish() {
      subscription.removeAllListeners('message');
      void subscription.close().then(() => resolve());
    }
    subscription.on('message', (message) => {
      message.ack();
      messages.push(message.data);
      clearTimeout(timer);
      timer = setTimeout(finish, quietMs);
    });
  });
  return messages;
}
