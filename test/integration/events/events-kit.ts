import { randomUUID } from 'node:crypto';
import type { Message, PubSub, Subscription, Topic } from '@google-cloud/pubsub';
import { CloudEvent } from 'cloudevents';
import type { UserCloudEvent } from '../../../functions/src/events/user-event';

/** One message as a subscriber of the events topic gets it. */
export interface ReceivedEvent {
  event: UserCloudEvent;
  /** The message data exactly as published. */
  raw: string;
  attributes: Record<string, string>;
  publishTime: Date;
}

/** A topic of its own (`USER_EVENTS_TOPIC` for the functions under test) with a pull subscription collecting every message. */
export interface EventCollector {
  readonly topicId: string;
  readonly topic: Topic;
  /**
   * Every message received so far, in arrival order, each Pub/Sub message once: the emulator may
   * deliver an acknowledged message again (at least once, as Pub/Sub does), and that says nothing
   * about the product. A message published twice (another Pub/Sub message id) is kept twice.
   */
  readonly received: ReceivedEvent[];
  /** How many deliveries repeated a Pub/Sub message already received. */
  redeliveries(): number;
  /** Waits for `count` messages beyond those already taken, then `quietMs` more to catch any extra one; returns all new ones. */
  take(count: number, options?: { timeoutMs?: number; quietMs?: number }): Promise<ReceivedEvent[]>;
  close(): Promise<void>;
}

export async function collectEvents(pubsub: PubSub, label: string, topicId = `events-${label}-${randomUUID().slice(0, 8)}`): Promise<EventCollector> {
  const [topic] = await pubsub.createTopic(topicId);
  const [subscription]: [Subscription, ...unknown[]] = await topic.createSubscription(`${topicId}-pull`);
  const received: ReceivedEvent[] = [];
  const messageIds = new Set<string>();
  let redeliveries = 0;
  let taken = 0;
  subscription.on('message', (message: Message) => {
    message.ack();
    if (messageIds.has(message.id)) {
      redeliveries += 1;
      return;
    }
    messageIds.add(message.id);
    const raw = message.data.toString('utf8');
    received.push({ event: JSON.parse(raw) as UserCloudEvent, raw, attributes: { ...message.attributes }, publishTime: new Date(message.publishTime.getTime()) });
  });
  const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
  return {
    topicId,
    topic,
    received,
    redeliveries: () => redeliveries,
    async take(count, { timeoutMs = 15_000, quietMs = 1_500 } = {}) {
      const deadline = Date.now() + timeoutMs;
      while (received.length < taken + count && Date.now() < deadline) await sleep(50);
      await sleep(quietMs);
      const fresh = received.slice(taken);
      taken = received.length;
      return fresh;
    },
    async close() {
      subscription.removeAllListeners('message');
      await subscription.close();
    },
  };
}

const ATTRIBUTES = ['specversion', 'id', 'source', 'type', 'subject', 'time', 'datacontenttype', 'data'];
/** RFC 3339 date-time (section 5.6), as CloudEvents requires for `time`. */
const RFC_3339 = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$/;

/**
 * What CloudEvents 1.0 requires of an event, checked on the raw JSON (so no SDK default can
 * stand in for a missing value), then by the CloudEvents SDK's own validator; plus this
 * product's pinned attributes and the message attributes that must repeat them.
 */
export function expectValidUserEvent(received: ReceivedEvent, projectId: string): void {
  const raw = JSON.parse(received.raw) as Record<string, unknown>;
  expect(Object.keys(raw).sort()).toEqual([...ATTRIBUTES].sort());
  for (const name of ['id', 'source', 'type', 'specversion', 'subject']) expect({ [name]: typeof raw[name] === 'string' && raw[name] !== '' }).toEqual({ [name]: true });
  expect(raw.specversion).toBe('1.0');
  expect(raw.source).toBe(`//offline-access/projects/${projectId}`);
  expect(raw.datacontenttype).toBe('application/json');
  expect(String(raw.time)).toMatch(RFC_3339);
  expect(Number.isNaN(Date.parse(String(raw.time)))).toBe(false);
  expect(new CloudEvent(raw, true).validate()).toBe(true);
  const data = raw.data as Record<string, unknown>;
  expect(data.userId).toBe(raw.subject);
  expect(Number.isInteger(data.sequence) && (data.sequence as number) >= 1).toBe(true);
  // The Photos events carry the session and its counts; the user events never do.
  const photos = String(raw.type).startsWith('dev.offlineaccess.photos.') ? ['sessionId', 'picked', 'added', 'skipped', 'failed'] : [];
  for (const key of Object.keys(data)) expect(['userId', 'status', 'reason', 'scopes', 'sequence', ...photos]).toContain(key);
  expect(received.attributes).toEqual({ 'ce-type': raw.type, 'ce-id': raw.id, 'ce-subject': raw.subject });
}

/** The parts of an event a scenario predicts. */
export function summary(received: ReceivedEvent): { type: string; subject: string; sequence: number; status: string; reason: string; scopes?: string[] } {
  const { type, subject, data } = received.event;
  return { type: type.replace(/^dev\.offlineaccess\.user\.|\.v1$/g, ''), subject, sequence: data.sequence, status: data.status, reason: data.reason, ...(data.scopes ? { scopes: data.scopes } : {}) };
}
