import { PubSub } from '@google-cloud/pubsub';
import { freePort } from '../../../scripts/lib/ports';
import type { SandboxGoogle } from '../../../sandbox/src/server';
import { BatchLog } from '../../lib/batch-log';
import { benchFunctionEnv } from '../../lib/function-env';
import { type SpawnedFunction, startServingFunction } from '../../lib/function-process';
import { type EventLoopMeter, eventLoopMeter } from '../../lib/event-loop';
import { firestoreOpCounter, noOpCounter, type OpCounter } from '../../lib/op-counts';
import { OutputMeter } from '../../lib/output-meter';

/**
 * The offline pipeline as deployed, on one machine: the exchange (to sign users in), the
 * dispatcher and one worker process, the topic with a push subscription to the worker (what
 * Eventarc sets up), all sharing one Firestore project and token key. The exchange, the dispatcher
 * and the worker carry the Firestore op counter, and every line each writes is metered. The worker can be restarted (with other settings) or
 * killed on the same port, so the push subscription keeps reaching it.
 */
export interface OfflineStackOptions {
  /** Configuration every function gets on top of the production variables (timings, batch size). */
  env?: NodeJS.ProcessEnv;
  /** Pub/Sub's wait for the worker's answer before it redelivers. */
  ackDeadlineSeconds?: number;
  /** Every output line of every function process, e.g. to check that no token is ever logged. */
  onOutput?: (fn: string, line: string) => void;
  /** Load the Firestore op counter (and, into the worker, the event-loop meter); compiled by buildBenchModules. Default true. */
  countFirestoreOps?: boolean;
  /** Base URL Pub/Sub pushes to, given the worker's port (default: the worker itself), e.g. a counting proxy. */
  pushEndpoint?: (workerPort: number) => Promise<string>;
}

export interface OfflineStack {
  projectId: string;
  keyFile: string;
  exchange: SpawnedFunction;
  dispatcher: SpawnedFunction;
  /** The worker process running now. */
  worker(): SpawnedFunction;
  /** Firestore ops of the worker process running now (a restarted worker counts from zero). */
  workerOps(): OpCounter;
  /** How busy the running worker's JavaScript thread has been (measured when Firestore ops are counted). */
  workerLoop(): EventLoopMeter | undefined;
  dispatcherOps: OpCounter;
  exchangeOps: OpCounter;
  /** Lines and bytes each function process has written so far, by function name. */
  output: OutputMeter;
  /** The settings every function was started with (production variables pointed at the sandbox). */
  env: NodeJS.ProcessEnv;
  batches: BatchLog;
  /** One scheduler tick: POSTs the dispatcher and returns how many users it dispatched. */
  dispatch(): Promise<number>;
  /** Stops the worker (SIGTERM) and starts it again on the same port with these extra settings. */
  restartWorker(extraEnv?: NodeJS.ProcessEnv): Promise<void>;
  /** SIGKILL: the worker dies mid-work, as a crashed instance does; leases and messages are left behind. */
  killWorker(): void;
  stop(): Promise<void>;
}

export async function startOfflineStack(sandbox: SandboxGoogle, options: OfflineStackOptions = {}): Promise<OfflineStack> {
  const topic = `offline-work-${Date.now()}`;
  const { env, projectId, keyFile } = benchFunctionEnv(sandbox, 'offline', { OFFLINE_WORK_TOPIC: topic, ...options.env });
  const counting = options.countFirestoreOps ?? true;
  const counter = (): OpCounter => (counting ? firestoreOpCounter() : noOpCounter());
  const dispatcherOps = counter();
  const exchangeOps = counter();
  const batches = new BatchLog();
  const meter = new OutputMeter();
  const output = (fn: string) => (line: string) => {
    meter.line(fn, line);
    options.onOutput?.(fn, line);
  };
  const workerPort = await freePort();
  const pubsub = new PubSub({ projectId });
  const started: SpawnedFunction[] = [];
  let worker: SpawnedFunction | undefined;
  let workerOps = counter();
  let workerLoop: EventLoopMeter | undefined;

  const startWorker = async (extraEnv: NodeJS.ProcessEnv): Promise<void> => {
    workerOps = counter();
    workerLoop = counting ? eventLoopMeter() : undefined;
    worker = await startServingFunction({
      target: 'runOfflineWork',
      port: workerPort,
      env: { ...env, ...extraEnv, ...workerOps.env, ...workerLoop?.env },
      nodeArgs: [...workerOps.nodeArgs, ...(workerLoop?.nodeArgs ?? [])],
      onOutput: (line) => {
        batches.onLine(line);
        output('runOfflineWork')(line);
      },
    });
  };
  const stopAll = async (): Promise<void> => {
    await Promise.all([...started, ...(worker ? [worker] : [])].map((fn) => fn.proc.stop()));
    await pubsub.close();
  };

  try {
    const exchange = await startServingFunction({
      target: 'exchangeAuthCode',
      port: await freePort(),
      env: { ...env, ...exchangeOps.env },
      nodeArgs: exchangeOps.nodeArgs,
      onOutput: output('exchangeAuthCode'),
    });
    started.push(exchange);
    const dispatcher = await startServingFunction({
      target: 'dispatchOfflineWork',
      port: await freePort(),
      env: { ...env, ...dispatcherOps.env },
      nodeArgs: dispatcherOps.nodeArgs,
      onOutput: output('dispatchOfflineWork'),
    });
    started.push(dispatcher);
    await startWorker({});
    const [created] = await pubsub.createTopic(topic);
    const pushBase = options.pushEndpoint ? await options.pushEndpoint(workerPort) : `http://127.0.0.1:${workerPort}`;
    await created.createSubscription(`${topic}-push`, {
      pushConfig: { pushEndpoint: `${pushBase}/projects/${projectId}/topics/${topic}` },
      ackDeadlineSeconds: options.ackDeadlineSeconds ?? 600,
    });
    return {
      projectId,
      keyFile,
      exchange,
      dispatcher,
      worker: () => worker!,
      workerOps: () => workerOps,
      workerLoop: () => workerLoop,
      dispatcherOps,
      exchangeOps,
      output: meter,
      env,
      batches,
      async dispatch() {
        const response = await fetch(dispatcher.url, { method: 'POST', signal: AbortSignal.timeout(120_000) });
        const body = (await response.json()) as { dispatched?: number };
        if (response.status !== 200) throw new Error(`the dispatcher answered ${response.status}`);
        return body.dispatched ?? 0;
      },
      async restartWorker(extraEnv = {}) {
        await worker?.proc.stop();
        await startWorker(extraEnv);
      },
      killWorker() {
        const pid = worker?.proc.child.pid;
        if (pid !== undefined) process.kill(pid, 'SIGKILL');
      },
      stop: stopAll,
    };
  } catch (error) {
    await stopAll();
    throw error;
  }
}
