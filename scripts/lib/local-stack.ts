import { PubSub } from '@google-cloud/pubsub';
import { generateWebhookSecretFile } from '../../functions/src/events/webhook/webhook-secret';
import { generateKeyFile } from '../../functions/src/tokens/file-key-source';
import { startSandboxGoogle } from '../../sandbox/src/server';
import { checkEmulatorPrerequisites, startFirestoreEmulator, startPubsubEmulator } from './emulators';
import { requestTimeoutEnv } from './deploy-settings';
import { startFunction } from './functions-process';
import {
  LOCAL_CLIENT,
  LOCAL_DISPATCH_TOPIC,
  LOCAL_EVENTS_DEAD_LETTER_TOPIC,
  LOCAL_EVENTS_TOPIC,
  LOCAL_KEY_FILE,
  LOCAL_PROJECT,
  LOCAL_TOPIC,
  LOCAL_WEBHOOK_SECRET_FILE,
  localFunctionEnv,
  localWebhookUrl,
} from './local-env';
import { assertPortsFree } from './ports';
import { functionPort, functionUrl, LOCAL_FUNCTIONS, type LocalFunction, stackPorts, type StackLayout } from './stack-layout';
import { startLocalScheduler } from './local-scheduler';

export interface LocalStack {
  layout: StackLayout;
  sandboxUrl: string;
  /** The functions running (deliverUserEvents only with USER_EVENTS_WEBHOOK_URL set). */
  functions: LocalFunction[];
  stop(): Promise<void>;
}

export interface LocalStackOptions {
  /** Seconds between local scheduler ticks (what Cloud Scheduler does in production). */
  scheduleSeconds: number;
  log: (line: string) => void;
}

/**
 * Starts the whole stack on the firebase.json layout: emulators, sandbox Google, every function
 * under functions-framework, the topic with a push subscription to the worker, the lifecycle
 * events topic (and, with USER_EVENTS_WEBHOOK_URL set, the webhook's delivery function and its
 * push subscription), and the scheduler.
 * On any failure, what was started is stopped again; `stop()` may be called more than once.
 */
export async function startLocalStack(layout: StackLayout, options: LocalStackOptions): Promise<LocalStack> {
  checkEmulatorPrerequisites(true);
  // Nothing here runs on Google Cloud: keep the client libraries from probing for a metadata server.
  process.env.METADATA_SERVER_DETECTION ??= 'none';
  await assertPortsFree(layout.host, stackPorts(layout));
  const stops: (() => Promise<void>)[] = [];
  let stopped: Promise<void> | undefined;
  const stop = (): Promise<void> =>
    (stopped ??= (async () => {
      for (const step of stops.reverse()) await step().catch(() => undefined);
    })());
  try {
    if (generateKeyFile(LOCAL_KEY_FILE) === 'created') options.log(`Generated a local token key in ${LOCAL_KEY_FILE} (git-ignored).`);
    if (generateWebhookSecretFile(LOCAL_WEBHOOK_SECRET_FILE) === 'created') {
      options.log(`Generated a local webhook signing secret in ${LOCAL_WEBHOOK_SECRET_FILE} (git-ignored).`);
    }
    const webhookUrl = localWebhookUrl();
    options.log('Starting the Firestore and Pub/Sub emulators...');
    const [firestore, pubsub] = await Promise.all([
      startFirestoreEmulator(layout.firestorePort),
      startPubsubEmulator(layout.pubsubPort, LOCAL_PROJECT),
    ]);
    stops.push(() => firestore.stop(), () => pubsub.stop());

    const sandbox = await startSandboxGoogle({
      port: layout.sandboxGooglePort,
      clients: [{ clientId: LOCAL_CLIENT.clientId, clientSecret: LOCAL_CLIENT.clientSecret, redirectUris: [] }],
    });
    stops.push(() => sandbox.close());

    const env = localFunctionEnv(layout, sandbox.url);
    const functions = servedFunctions(webhookUrl);
    for (const name of functions) {
      const fn = await startFunction(name, functionPort(layout, name), { ...env, ...requestTimeoutEnv(name) }, (line) => options.log(`[${name}] ${line}`));
      stops.push(() => fn.stop());
    }
    await createTopics(layout, functionUrl(layout, 'runOfflineWork'), functionUrl(layout, 'dispatchOfflineWork'), webhookUrl ? functionUrl(layout, 'deliverUserEvents') : undefined);
    await backfillShardsOnce(functionUrl(layout, 'backfillShards'), options.log);
    if (webhookUrl) options.log(`Every lifecycle event is POSTed to ${webhookUrl}, signed with the secret in ${LOCAL_WEBHOOK_SECRET_FILE}.`);
    const scheduler = startLocalScheduler(functionUrl(layout, 'dispatchOfflineWork'), options.scheduleSeconds, options.log);
    stops.push(async () => scheduler.stop());
    return { layout, sandboxUrl: sandbox.url, functions, stop };
  } catch (error) {
    await stop();
    throw error;
  }
}

/**
 * On the emulator, what deploy.sh and Eventarc create in production: the work topic and its push
 * subscription to the worker; the dispatch topic with its push subscription back to the dispatcher
 * (Pub/Sub's push envelope, as in production); the events topic; with a webhook, its dead-letter
 * topic (with a pull subscription keeping what lands there) and the push subscription to the
 * delivery function, with the deployed retry policy and dead-lettering.
 */
async function createTopics(layout: StackLayout, workerUrl: string, dispatcherUrl: string, deliveryUrl: string | undefined): Promise<void> {
  const pubsub = localPubSub(layout);
  try {
    const [work] = await pubsub.createTopic(LOCAL_TOPIC);
    await work.createSubscription(`${LOCAL_TOPIC}-push`, {
      pushConfig: { pushEndpoint: `${workerUrl}projects/${LOCAL_PROJECT}/topics/${LOCAL_TOPIC}` },
      ackDeadlineSeconds: 600,
    });
    const [dispatch] = await pubsub.createTopic(LOCAL_DISPATCH_TOPIC);
    await dispatch.createSubscription(`${LOCAL_DISPATCH_TOPIC}-push`, { pushConfig: { pushEndpoint: dispatcherUrl }, ackDeadlineSeconds: 120 });
    const [events] = await pubsub.createTopic(LOCAL_EVENTS_TOPIC);
    if (!deliveryUrl) return;
    const [deadLetter] = await pubsub.createTopic(LOCAL_EVENTS_DEAD_LETTER_TOPIC);
    await deadLetter.createSubscription(`${LOCAL_EVENTS_DEAD_LETTER_TOPIC}-sub`);
    await events.createSubscription('offline-access-deliver-user-events', {
      pushConfig: { pushEndpoint: deliveryUrl },
      ackDeadlineSeconds: 60,
      retryPolicy: { minimumBackoff: { seconds: 10 }, maximumBackoff: { seconds: 600 } },
      deadLetterPolicy: { deadLetterTopic: deadLetter.name, maxDeliveryAttempts: 5 },
    });
  } finally {
    await pubsub.close();
  }
}

/** As the deploy's last step does: one backfillShards call, which a fresh database answers done. */
async function backfillShardsOnce(url: string, log: (line: string) => void): Promise<void> {
  const response = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{}', signal: AbortSignal.timeout(30_000) });
  const body = (await response.json()) as { done?: boolean };
  if (!response.ok || body.done !== true) log(`[backfillShards] answered ${response.status}: users without a shard remain`);
}

/** A Pub/Sub client on the local stack's emulator. */
export function localPubSub(layout: StackLayout): PubSub {
  return new PubSub({ projectId: LOCAL_PROJECT, apiEndpoint: `${layout.host}:${layout.pubsubPort}`, emulatorMode: true });
}

/** The functions the local stack serves: all of them, but the webhook's delivery only with a webhook URL. */
export function servedFunctions(webhookUrl: string | undefined): LocalFunction[] {
  return LOCAL_FUNCTIONS.filter((name) => name !== 'deliverUserEvents' || webhookUrl !== undefined);
}
