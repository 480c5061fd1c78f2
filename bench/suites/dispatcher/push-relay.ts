import { type PubSub, type protos, v1 } from '@google-cloud/pubsub';
import { sleep } from '../../lib/http-probe';

/**
 * Pub/Sub push for the dispatch topic, with production's parallelism: every shard message pulled
 * from the subscription is POSTed at once, as Pub/Sub's push envelope
 * (`{"message": {"data", "messageId", "publishTime", "attributes"}, "subscription"}`), to one of the
 * live dispatcher processes (round robin, as Cloud Run spreads requests over instances). A 2xx
 * acks it; anything else (a 5xx, a connection dropped by a killed process) makes it deliverable
 * again a second later, as Pub/Sub retries a push after a backoff. As with push, the ack deadline
 * is the subscription's and is never extended: a run that outlives it is delivered again.
 *
 * Why not the emulator's own push subscription: it runs two push loops per subscription, each
 * waiting for one request's answer before the next, so at most two shard runs would ever run at
 * once, whatever DUE_SHARDS is (measured by `measureEmulatorPushConcurrency`). Why unary pull
 * rather than the client's streaming pull: the streaming client manages deadlines by itself,
 * which push never does, and in a 100,000-user run it delivered a shard message a second time
 * while the first delivery's run was still going (two runs of one shard, seen in the op counts).
 */
export interface PushRelay {
  readonly deliveries: number;
  /** Deliveries of a message already delivered before (delivered again, or duplicated on purpose). */
  readonly redeliveries: number;
  readonly failures: number;
  /** Why the last failed delivery failed (a status, or the error), so a relay that cannot deliver says why. */
  readonly lastFailure: string | undefined;
  /** Messages received from the subscription so far (each distinct message once). */
  readonly received: number;
  /** Messages received and not yet acknowledged (their push has not yet succeeded). */
  readonly outstanding: number;
  /** Deliveries waiting for a dispatcher's answer now, by target URL. */
  inFlight(url: string): number;
  /** Delivers the next message twice at once (Pub/Sub's at-least-once: a redelivered shard message). */
  duplicateNext(): void;
  close(): Promise<void>;
}

/** Pub/Sub retries a failed push after a backoff (10 s at least by default); 1 s keeps the bench short. */
const RETRY_AFTER_MS = 1_000;

export function startPushRelay(pubsub: PubSub, subscriptionName: string, targets: () => readonly string[], timeoutMs: number): PushRelay {
  // The PubSub client's options already point at the emulator (PUBSUB_EMULATOR_HOST, insecure channel).
  const { servicePath, port, sslCreds } = pubsub.options;
  const client = new v1.SubscriberClient({ servicePath, port: Number(port), sslCreds });
  const subscription = `projects/${pubsub.projectId}/subscriptions/${subscriptionName}`;
  const seen = new Set<string>();
  const unacked = new Set<string>();
  const inFlight = new Map<string, number>();
  const counts = { deliveries: 0, redeliveries: 0, failures: 0 };
  let next = 0;
  let lastFailure: string | undefined;
  let duplicate = false;
  let running = true;

  const deliver = async (envelope: string, again: boolean): Promise<boolean> => {
    const live = targets();
    if (live.length === 0) return false;
    const url = live[next++ % live.length]!;
    counts.deliveries += 1;
    if (again) counts.redeliveries += 1;
    inFlight.set(url, (inFlight.get(url) ?? 0) + 1);
    try {
      const response = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: envelope, signal: AbortSignal.timeout(timeoutMs) });
      await response.arrayBuffer();
      if (!response.ok) lastFailure = `HTTP ${response.status}`;
      return response.ok;
    } catch (error) {
      lastFailure = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
      return false;
    } finally {
      inFlight.set(url, inFlight.get(url)! - 1);
    }
  };

  const handle = async (received: v1ReceivedMessage): Promise<void> => {
    const message = received.message!;
    const id = message.messageId!;
    const envelope = JSON.stringify({
      message: {
        data: Buffer.from(message.data ?? '').toString('base64'),
        messageId: id,
        publishTime: new Date(Number(message.publishTime?.seconds ?? 0) * 1000 + Math.floor((message.publishTime?.nanos ?? 0) / 1e6)).toISOString(),
        attributes: message.attributes ?? {},
      },
      subscription,
    });
    const again = seen.has(id);
    seen.add(id);
    unacked.add(id);
    const copies = duplicate ? 2 : 1;
    duplicate = false;
    const answers = await Promise.all(Array.from({ length: copies }, (_, copy) => deliver(envelope, again || copy > 0)));
    if (answers.every(Boolean)) {
      await client.acknowledge({ subscription, ackIds: [received.ackId!] }).catch(() => undefined);
      unacked.delete(id);
      return;
    }
    counts.failures += answers.filter((ok) => !ok).length;
    await sleep(RETRY_AFTER_MS);
    await client.modifyAckDeadline({ subscription, ackIds: [received.ackId!], ackDeadlineSeconds: 0 }).catch(() => undefined);
  };

  const loop = (async () => {
    while (running) {
      try {
        const [response] = await client.pull({ subscription, maxMessages: 100, returnImmediately: true }, { timeout: 10_000 });
        const messages = response.receivedMessages ?? [];
        for (const received of messages) void handle(received);
        if (messages.length === 0) await sleep(50);
      } catch {
        await sleep(200);
      }
    }
  })();

  return {
    get deliveries() {
      return counts.deliveries;
    },
    get redeliveries() {
      return counts.redeliveries;
    },
    get failures() {
      return counts.failures;
    },
    get lastFailure() {
      return lastFailure;
    },
    get received() {
      return seen.size;
    },
    get outstanding() {
      return unacked.size;
    },
    inFlight: (url) => inFlight.get(url) ?? 0,
    duplicateNext: () => {
      duplicate = true;
    },
    close: async () => {
      running = false;
      await loop;
      await client.close();
    },
  };
}

type v1ReceivedMessage = protos.google.pubsub.v1.IReceivedMessage;
