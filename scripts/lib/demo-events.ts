import type { Message, PubSub, Subscription } from '@google-cloud/pubsub';
import type { UserCloudEvent } from '../../functions/src/events/user-event';

/** A subscriber of the lifecycle events topic, as the app's backend would be: a pull subscription of its own. */
export interface DemoEventListener {
  /** Every event so far, in the order Pub/Sub delivered them. */
  readonly events: UserCloudEvent[];
  /** Stops listening and deletes the subscription. */
  close(): Promise<void>;
}

export async function listenForEvents(pubsub: PubSub, topic: string, name: string): Promise<DemoEventListener | undefined> {
  const [exists] = await pubsub.topic(topic).exists();
  if (!exists) return undefined;
  const [subscription]: [Subscription, ...unknown[]] = await pubsub.topic(topic).createSubscription(name);
  const events: UserCloudEvent[] = [];
  subscription.on('message', (message: Message) => {
    message.ack();
    events.push(JSON.parse(message.data.toString('utf8')) as UserCloudEvent);
  });
  return {
    events,
    async close() {
      subscription.removeAllListeners('message');
      await subscription.close();
      await subscription.delete().catch(() => undefined);
    },
  };
}

/** One line per event: what a consumer keys on (type, subject, sequence) and why it happened. */
export function describeEvent(event: UserCloudEvent): string {
  const type = event.type.replace(/^dev\.offlineaccess\.(user\.)?/, '');
  const { sessionId, picked, added, skipped } = event.data;
  const session = sessionId === undefined ? '' : ` session=${sessionId.slice(0, 8)}... picked=${picked} added=${added} skipped=${skipped}`;
  return `#${event.data.sequence} ${type.padEnd(22)} user ${event.subject}  status=${event.data.status} reason=${event.data.reason}${session}`;
}
