import { randomUUID } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { PubSub, Topic } from '@google-cloud/pubsub';
import { Webhook } from 'standardwebhooks';
import { buildUserEvent, type UserChange, type UserCloudEvent, userEventAttributes, userEventSource } from '../../../functions/src/events/user-event';
import { postWebhook } from '../../../functions/src/events/webhook/post-webhook';
import { generateWebhookSecretFile, secretManagerWebhookSecret, WebhookSecretMisconfigured } from '../../../functions/src/events/webhook/webhook-secret';
import { generateWebhookSecret, parseWebhookSecret } from '../../../functions/src/events/webhook/webhook-signature';
import { waitUntil } from '../../../scripts/lib/ports';
import type { SandboxGoogle } from '../../../sandbox/src/server';
import { type FunctionUnderTest, newTestProjectId, startFunctionUnderTest } from '../../support/function-process';
import { emulatorPubSub } from '../../support/pubsub';
import { startTestSandbox } from '../../support/sandbox';
import { addVersion, createSecret, type SecretManagerFixture, startSecretManagerFixture, uniqueSecretName } from '../tokens/helpers/secret-manager-fixture';
import { collectEvents, type EventCollector } from './events-kit';
import { startWebhookReceiver, type WebhookReceiver } from './webhook-kit';

const change: UserChange = { kind: 'reauth_required', userId: '1122334455', status: 'reauth_required', reason: 'invalid_grant' };
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * The real `deliverUserEvents` process behind a Pub/Sub push subscription on the emulator, with
 * a retry policy and a dead-letter topic as deploy.sh sets them (shorter backoff: 1-2 s here,
 * 10 s-10 min deployed), POSTing to a receiver that verifies with `standardwebhooks`.
 */
describe('webhook delivery through the push subscription', () => {
  let sandbox: SandboxGoogle;
  let pubsub: PubSub;
  let events: Topic;
  let deadLetters: EventCollector;
  let receiver: WebhookReceiver;
  let fn: FunctionUnderTest;
  let dir: string;
  let secret: string;
  const projectId = newTestProjectId('webhook');
  let sequence = 0;

  beforeAll(async () => {
    sandbox = await startTestSandbox();
    pubsub = emulatorPubSub(projectId);
    dir = mkdtempSync(join(tmpdir(), 'webhook-secret-'));
    const secretFile = join(dir, 'webhook-secret');
    expect(generateWebhookSecretFile(secretFile)).toBe('created');
    expect(generateWebhookSecretFile(secretFile)).toBe('exists');
    secret = readFileSync(secretFile, 'utf8').trim();
    receiver = await startWebhookReceiver(secret);
    deadLetters = await collectEvents(pubsub, 'dead');
    [events] = await pubsub.createTopic(`events-${randomUUID().slice(0, 8)}`);
    fn = await startFunctionUnderTest('deliverUserEvents', sandbox, {
      GOOGLE_CLOUD_PROJECT: projectId,
      USER_EVENTS_WEBHOOK_URL: receiver.url,
      USER_EVENTS_WEBHOOK_SECRET_FILE: secretFile,
      USER_EVENTS_DEAD_LETTER_TOPIC: deadLetters.topicId,
    });
    await events.createSubscription(`${events.name.split('/').pop()}-push`, {
      pushConfig: { pushEndpoint: fn.url },
      ackDeadlineSeconds: 30,
      retryPolicy: { minimumBackoff: { seconds: 1 }, maximumBackoff: { seconds: 2 } },
      deadLetterPolicy: { deadLetterTopic: deadLetters.topic.name, maxDeliveryAttempts: 5 },
    });
  }, 60_000);

  afterAll(async () => {
    await fn?.stop();
    await deadLetters?.close();
    await receiver?.close();
    await pubsub?.close();
    await sandbox?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  /** Publishes an event as the product does (the CloudEvent JSON, with its ce-* attributes), the receiver told first how to answer it. */
  async function publish(answers?: number[], headers?: Record<string, string>): Promise<{ event: UserCloudEvent; body: string }> {
    sequence += 1;
    const event = buildUserEvent(change, { id: randomUUID(), sequence, time: new Date(), source: userEventSource(projectId) });
    if (answers) receiver.answer(event.id, answers, headers);
    const body = JSON.stringify(event);
    await events.publishMessage({ data: Buffer.from(body), attributes: userEventAttributes(event) });
    return { event, body };
  }

  const attempts = (id: string) => receiver.deliveries(id).length;

  it('2xx: delivered once, the same CloudEvent JSON, signed so standardwebhooks accepts it', async () => {
    const { event, body } = await publish();
    await waitUntil(async () => attempts(event.id) === 1, 'the delivery', 10_000);
    await sleep(1_500);
    const [delivery, ...more] = receiver.deliveries(event.id);
    expect(more).toEqual([]);
    expect(delivery!.verified).toBe(true);
    expect(delivery!.body).toBe(body);
    expect(delivery!.headers['content-type']).toBe('application/cloudevents+json; charset=utf-8');
    expect(Math.abs(Number(delivery!.headers['webhook-timestamp']) - Date.now() / 1000)).toBeLessThan(30);
    // Another receiver's secret does not verify it: the signature is tied to this secret.
    expect(() => new Webhook(generateWebhookSecret()).verify(delivery!.body, delivery!.headers as Record<string, string>)).toThrow();
    expect(fn.logs.some((line) => line.includes('User event delivered to the webhook') && line.includes(event.id))).toBe(true);
  });

  it.each([400, 404, 410])('%i: permanent, logged and dead-lettered at once, never retried', async (status) => {
    const { event, body } = await publish([status]);
    const [dead, ...others] = await deadLetters.take(1, { quietMs: 3_000 });
    expect(others).toEqual([]);
    expect(attempts(event.id)).toBe(1);
    expect(dead!.raw).toBe(body);
    expect(dead!.attributes).toMatchObject({ 'ce-id': event.id, webhookFailure: `http_${status}`, webhookStatus: String(status) });
    const warning = fn.logs.find((line) => line.includes('refused a user event for good') && line.includes(event.id));
    expect(JSON.parse(warning!)).toMatchObject({ severity: 'WARNING', outcome: 'permanent', webhookStatus: status, userId: change.userId });
  });

  it('a redirect is not followed: permanent, and the place it points to never hears of the event', async () => {
    let elsewhere = 0;
    const other = createServer((_request, response) => {
      elsewhere += 1;
      response.end();
    });
    await new Promise<void>((resolve) => other.listen(0, '127.0.0.1', resolve));
    const { event } = await publish([307], { location: `http://127.0.0.1:${(other.address() as { port: number }).port}/` });
    const [dead] = await deadLetters.take(1);
    await new Promise((resolve) => other.close(resolve));
    expect(dead!.attributes).toMatchObject({ 'ce-id': event.id, webhookFailure: 'redirect_not_followed' });
    expect([attempts(event.id), elsewhere]).toEqual([1, 0]);
  });

  it.each([[503], [408], [429], [500]])('%i, then 204: retried by Pub/Sub, delivered, not dead-lettered', async (status) => {
    const { event } = await publish([status, 204]);
    await waitUntil(async () => attempts(event.id) === 2, 'the retry', 15_000);
    expect(await deadLetters.take(0, { quietMs: 2_500 })).toEqual([]);
    expect(attempts(event.id)).toBe(2);
    expect(receiver.deliveries(event.id).every((d) => d.verified && d.headers['webhook-id'] === event.id)).toBe(true);
  });

  it('5xx every time: retried with backoff, dead-lettered by Pub/Sub after MAX_DELIVERY_ATTEMPTS (5)', async () => {
    const { event, body } = await publish([503]);
    const [dead] = await deadLetters.take(1, { timeoutMs: 30_000, quietMs: 3_000 });
    expect(attempts(event.id)).toBe(5);
    expect(dead!.raw).toBe(body);
    expect(dead!.attributes).toMatchObject({ 'ce-id': event.id, CloudPubSubDeadLetterSourceDeliveryCount: '5' });
    const times = receiver.deliveries(event.id).map((d) => d.at);
    expect(times.slice(1).every((at, i) => at - times[i]! >= 900)).toBe(true); // Pub/Sub's backoff, not a tight loop
  }, 45_000);

  it('never sends the secret, in any header or body', () => {
    const key = secret.slice('whsec_'.length);
    // What the tests above delivered: run alone, this one has nothing to look at, and says so.
    expect(receiver.all().length).toBeGreaterThan(0);
    for (const delivery of receiver.all()) {
      const text = `${JSON.stringify(delivery.headers)}\n${delivery.body}`;
      expect(text).not.toContain(secret);
      expect(text).not.toContain(key);
    }
    expect(fn.logs.join('\n')).not.toContain(key);
  });

  it('answers a push that is not one of our events 400 invalid_request (Pub/Sub retries, then dead-letters it)', async () => {
    const response = await fetch(fn.url, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ message: { data: Buffer.from('{"hello":"world"}').toString('base64'), messageId: '1' }, subscription: 's' }),
    });
    expect(response.status).toBe(400);
    expect(((await response.json()) as { error: { code: string } }).error.code).toBe('invalid_request');
  });
});

describe('postWebhook and the webhook secret', () => {
  let sm: SecretManagerFixture;
  beforeAll(async () => {
    sm = await startSecretManagerFixture();
  });
  afterAll(() => sm.close());

  const body = JSON.stringify(buildUserEvent(change, { id: 'e-1', sequence: 1, time: new Date(), source: userEventSource('p') }));

  it('an answer that does not come within the timeout is transient', async () => {
    const hanging = createServer(() => undefined);
    await new Promise<void>((resolve) => hanging.listen(0, '127.0.0.1', resolve));
    const key = parseWebhookSecret(generateWebhookSecret())!;
    const started = Date.now();
    const outcome = await postWebhook({ id: 'e-1', body }, {
      url: `http://127.0.0.1:${(hanging.address() as { port: number }).port}/`,
      secret: { current: async () => key },
      now: () => new Date(),
      timeoutMs: 300,
    });
    hanging.closeAllConnections();
    await new Promise((resolve) => hanging.close(resolve));
    expect(outcome).toEqual({ kind: 'transient', status: undefined, reason: 'timeout' });
    expect(Date.now() - started).toBeLessThan(3_000);
  });

  it('nobody listening is transient too', async () => {
    const key = parseWebhookSecret(generateWebhookSecret())!;
    const outcome = await postWebhook({ id: 'e-1', body }, { url: 'http://127.0.0.1:9/', secret: { current: async () => key }, now: () => new Date() });
    expect(outcome).toMatchObject({ kind: 'transient', reason: 'network_error' });
  });

  it('reads the secret from Secret Manager (latest), signing deliveries standardwebhooks accepts', async () => {
    const name = uniqueSecretName('webhook');
    await createSecret(sm.client, name);
    const secret = generateWebhookSecret();
    await addVersion(sm.client, name, Buffer.from(`${secret}\n`));
    const receiver = await startWebhookReceiver(secret);
    const source = secretManagerWebhookSecret({ client: sm.client, secret: name });
    const outcome = await postWebhook({ id: 'e-1', body }, { url: receiver.url, secret: source, now: () => new Date() });
    await receiver.close();
    expect(outcome).toEqual({ kind: 'delivered', status: 204 });
    expect(receiver.all().map((d) => d.verified)).toEqual([true]);
  });

  it('a Secret Manager version that is not a whsec_ secret is refused without showing it', async () => {
    const name = uniqueSecretName('webhook');
    await createSecret(sm.client, name);
    await addVersion(sm.client, name, Buffer.from('not-a-webhook-secret-value'));
    const failure = await secretManagerWebhookSecret({ client: sm.client, secret: name }).current().catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(WebhookSecretMisconfigured);
    expect(String((failure as Error).message)).not.toContain('not-a-webhook-secret-value');
  });
});
