import { PubSub } from '@google-cloud/pubsub';
import { generateKeyFile } from '../../functions/src/tokens/file-key-source';
import { startSandboxGoogle } from '../../sandbox/src/server';
import { checkEmulatorPrerequisites, startFirestoreEmulator, startPubsubEmulator } from './emulators';
import { startFunction } from './functions-process';
import { LOCAL_CLIENT, LOCAL_DISPATCH_TOPIC, LOCAL_KEY_FILE, LOCAL_PROJECT, LOCAL_TOPIC, localFunctionEnv } from './local-env';
import { assertPortsFree } from './ports';
import { functionPort, functionUrl, LOCAL_FUNCTIONS, stackPorts, type StackLayout } from './stack-layout';
import { startLocalScheduler } from './local-scheduler';

export interface LocalStack {
  layout: StackLayout;
  sandboxUrl: string;
  stop(): Promise<void>;
}

export interface LocalStackOptions {
  /** Seconds between local scheduler ticks (what Cloud Scheduler does in production). */
  scheduleSeconds: number;
  log: (line: string) => void;
}

/**
 * Starts the whole stack on the firebase.json layout: emulators, sandbox Google, every function
 * under functions-framework, the topic with a push subscription to the worker, and the scheduler.
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
    for (const name of LOCAL_FUNCTIONS) {
      const fn = await startFunction(name, functionPort(layout, name), env, (line) => options.log(`[${name}] ${line}`));
      stops.push(() => fn.stop());
    }
    await createTopics(layout, functionUrl(layout, 'runOfflineWork'), functionUrl(layout, 'dispatchOfflineWork'));
    await backfillShardsOnce(functionUrl(layout, 'backfillShards'), options.log);
    const scheduler = startLocalScheduler(functionUrl(layout, 'dispatchOfflineWork'), options.scheduleSeconds, options.log);
    stops.push(async () => scheduler.stop());
    return { layout, sandboxUrl: sandbox.url, stop };
  } catch (error) {
    await stop();
    throw error;
  }
}

/**
 * What infra/deploy.sh creates, on the emulator: the work topic with the push subscription Eventarc
 * makes for the worker, and the dispatch topic with its push subscription back to the dispatcher
 * (Pub/Sub's push envelope, as in production).
 */
async function createTopics(layout: StackLayout, workerUrl: string, dispatcherUrl: string): Promise<void> {
  const pubsub = new PubSub({ projectId: LOCAL_PROJECT, apiEndpoint: `${layout.host}:${layout.pubsubPort}`, emulatorMode: true });
  try {
    const [work] = await pubsub.createTopic(LOCAL_TOPIC);
    await work.createSubscription(`${LOCAL_TOPIC}-push`, {
      pushConfig: { pushEndpoint: `${workerUrl}projects/${LOCAL_PROJECT}/topics/${LOCAL_TOPIC}` },
      ackDeadlineSeconds: 600,
    });
    const [dispatch] = await pubsub.createTopic(LOCAL_DISPATCH_TOPIC);
    await dispatch.createSubscription(`${LOCAL_DISPATCH_TOPIC}-push`, { pushConfig: { pushEndpoint: dispatcherUrl }, ackDeadlineSeconds: 120 });
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
