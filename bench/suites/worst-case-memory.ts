import { PubSub, type Message } from '@google-cloud/pubsub';
import { mapWithConcurrency } from '../../functions/src/concurrency/map-with-concurrency';
import { freePort, waitUntil } from '../../scripts/lib/ports';
import { functionSize, functionSizes, workerRuntimeEnv } from '../../scripts/lib/deploy-settings';
import type { BenchContext } from '../lib/bench-context';
import { benchFunctionEnv } from '../lib/function-env';
import { type SpawnedFunction, startServingFunction } from '../lib/function-process';
import { currentLoad } from '../lib/machine';
import { peakRssMiB } from '../lib/peak-rss';
import { atMost, type SuiteReport } from '../lib/report';
import { round } from '../lib/stats';
import { markdownTable } from '../lib/table';
import { signInUsers } from './offline/sign-in-users';
import { type PhotoKind, photoInput } from './memory/photo-inputs';

/**
 * The worker's memory at its worst, as deployed: started with exactly deploy.sh's runtime
 * settings (WORKER_RUNTIME_ENV: WORKER_CONCURRENCY, Node's heap flags, glibc's arenas), handed as
 * many work messages at once as Cloud Run's --concurrency for it lets one instance take (the
 * functions table), each message a batch of users with one heavy photo each: 48 MP JPEGs, 12 MP
 * noise-heavy JPEGs, 12 and 48 MP iPhone-layout HEICs and files at the 25 MB limit, interleaved.
 *
 * The dispatcher publishes the batches as deployed; the bench pulls them and delivers them to the
 * worker in Pub/Sub's push format, keeping `concurrency` deliveries in flight the whole round (the
 * Pub/Sub emulator's own push sends two at a time, fewer than Cloud Run would). Peak RSS is the
 * kernel's high-water mark of the worker process (VmHWM) at the end.
 */
const KINDS: readonly PhotoKind[] = ['jpeg48', 'jpeg12-noise', 'heic12', 'jpeg-25mb', 'heic48'];
const GOAL_SHARE_OF_LIMIT = 0.7;

export interface WorstCaseMemoryResult {
  memoryLimitMiB: number;
  cloudRunConcurrency: number;
  runtimeEnv: Record<string, string>;
  users: number;
  messages: number;
  photosByKind: Record<string, number>;
  peakRssMiB: number;
  shareOfLimit: number;
  wallSeconds: number;
  photosPerSecond: number;
  enhanced: number;
  loadAverage: { start: number[]; end: number[] };
}

export async function runWorstCaseMemory(context: BenchContext): Promise<SuiteReport<WorstCaseMemoryResult>> {
  const size = functionSize(functionSizes(), 'runOfflineWork');
  const runtimeEnv = workerRuntimeEnv();
  const memoryLimitMiB = size.memoryGiB * 1024;
  const users = context.quick ? 10 : 30;
  // Twice as many messages as the instance takes at once, so a new one arrives as each finishes.
  const batchSize = Math.ceil(users / (size.concurrency * 2));
  const topic = `memory-${Date.now()}`;
  const { env, projectId } = benchFunctionEnv(context.sandbox, 'memory', { OFFLINE_WORK_TOPIC: topic, DISPATCH_BATCH_SIZE: String(batchSize) });
  const pubsub = new PubSub({ projectId });
  const started: SpawnedFunction[] = [];
  const loadAtStart = currentLoad();
  try {
    const [exchange, dispatcher, worker] = await Promise.all([
      startServingFunction({ target: 'exchangeAuthCode', port: await freePort(), env }),
      startServingFunction({ target: 'dispatchOfflineWork', port: await freePort(), env }),
      startServingFunction({ target: 'runOfflineWork', port: await freePort(), env: { ...env, ...runtimeEnv } }),
    ]);
    started.push(exchange, dispatcher, worker);
    const [created] = await pubsub.createTopic(topic);
    const [subscription] = await created.createSubscription(`${topic}-pull`, { ackDeadlineSeconds: 600 });

    const subs = Array.from({ length: users }, (_, i) => `memory-${i}`);
    await signInUsers(context.sandbox, exchange.url, subs, 8);
    const photosByKind: Record<string, number> = {};
    for (const [i, sub] of subs.entries()) {
      const photo = await photoInput(KINDS[i % KINDS.length]!);
      photosByKind[photo.kind] = (photosByKind[photo.kind] ?? 0) + 1;
      context.sandbox.drive.putFile(sub, { name: `IMG_${i}.${photo.mimeType === 'image/heic' ? 'HEIC' : 'JPG'}`, mimeType: photo.mimeType, content: photo.bytes });
    }
    context.log(`${users} users, photos ${JSON.stringify(photosByKind)}; worker env ${JSON.stringify(runtimeEnv)}, ${size.concurrency} messages at once`);

    const messages: Message[] = [];
    subscription.on('message', (message: Message) => messages.push(message));
    const response = await fetch(dispatcher.url, { method: 'POST', signal: AbortSignal.timeout(120_000) });
    if (response.status !== 200) throw new Error(`the dispatcher answered ${response.status}`);
    const expected = Math.ceil(users / batchSize);
    await waitUntil(async () => messages.length >= expected, `${expected} work messages`, 60_000);
    await subscription.close();

    const push = `${worker.url}projects/${projectId}/topics/${topic}`;
    const startedAt = performance.now();
    await mapWithConcurrency(messages, size.concurrency, async (message) => {
      const body = {
        message: { data: message.data.toString('base64'), messageId: message.id, publishTime: message.publishTime.toISOString(), attributes: {} },
        subscription: `projects/${projectId}/subscriptions/${topic}-pull`,
      };
      const answer = await fetch(push, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(body),
        signal: AbortSignal.timeout(size.timeoutSeconds * 1000),
      });
      await answer.arrayBuffer();
      if (answer.status >= 300) throw new Error(`the worker answered ${answer.status}`);
      message.ack();
    });
    const wallSeconds = (performance.now() - startedAt) / 1000;
    const peak = peakRssMiB(worker.proc.child.pid ?? -1);
    if (peak === undefined) throw new Error('the worker process is gone: no peak RSS');
    const enhanced = subs.filter((sub) => context.sandbox.drive.listFiles(sub).some((file) => file.appProperties?.derivedFrom)).length;
    if (enhanced !== users) throw new Error(`only ${enhanced} of ${users} photos were enhanced`);
    const result: WorstCaseMemoryResult = {
      memoryLimitMiB,
      cloudRunConcurrency: size.concurrency,
      runtimeEnv,
      users,
      messages: messages.length,
      photosByKind,
      peakRssMiB: round(peak),
      shareOfLimit: round(peak / memoryLimitMiB),
      wallSeconds: round(wallSeconds),
      photosPerSecond: round(enhanced / wallSeconds),
      enhanced,
      loadAverage: { start: loadAtStart, end: currentLoad() },
    };
    context.log(`peak RSS ${result.peakRssMiB} of ${memoryLimitMiB} MiB (${round(result.shareOfLimit * 100)}%), ${result.photosPerSecond} photos/s`);
    return {
      suite: 'worstCaseMemory',
      result,
      goals: [atMost('worker peak RSS / deployed memory, worst-case photos', result.shareOfLimit, GOAL_SHARE_OF_LIMIT, 'x')],
      markdown: [
        `### Worst-case memory (${users} users, one heavy photo each, ${messages.length} messages, ${size.concurrency} at once)`,
        markdownTable(
          ['deployed memory', 'peak RSS', 'share', 'photos/s', 'photos', 'worker settings', 'load average start / end'],
          [[`${memoryLimitMiB} MiB`, `${result.peakRssMiB} MiB`, `${round(result.shareOfLimit * 100)}%`, result.photosPerSecond, JSON.stringify(photosByKind), Object.entries(runtimeEnv).map(([k, v]) => `${k}=${v}`).join(' '), `${loadAtStart.join(' ')} / ${result.loadAverage.end.join(' ')}`]],
        ),
      ].join('\n\n'),
    };
  } finally {
    await Promise.all(started.map((fn) => fn.proc.stop()));
    await pubsub.close();
  }
}
