import { z } from 'zod';
import { ConfigError } from './config-error';
import { type Env, parseEnv, positiveInt, requiredString } from './env-schema';

export interface DispatchConfig {
  topic: string;
  /** User ids per Pub/Sub message. */
  batchSize: number;
  /** Quota guard: at most this many users leave one dispatcher run; the next tick continues. */
  maxUsersPerRun: number;
  /** Firestore query page size. */
  pageSize: number;
  /** How long a dispatched user stays out of the due set while a worker picks it up. */
  leaseSeconds: number;
  /** Stop dispatching after this long so the run never meets its function timeout. */
  runBudgetSeconds: number;
}

export interface WorkerConfig {
  concurrency: number;
  intervalSeconds: number;
  leaseSeconds: number;
  /** The worker function's timeout; jobs stop starting new work before it. */
  timeoutSeconds: number;
}

/** The worker's timeout plus a margin: a lease must outlive any run that holds it. */
const DEFAULT_WORKER_TIMEOUT_SECONDS = 540;
const DEFAULT_LEASE_SECONDS = DEFAULT_WORKER_TIMEOUT_SECONDS + 60;

const topicName = () =>
  requiredString().pipe(z.string().regex(/^[A-Za-z][\w.~+%-]{2,254}$/, 'must be a Pub/Sub topic id (3-255 characters, starting with a letter)'));

const dispatchShape = {
  OFFLINE_WORK_TOPIC: topicName(),
  DISPATCH_BATCH_SIZE: positiveInt(50),
  MAX_USERS_PER_RUN: positiveInt(10_000),
  DISPATCH_PAGE_SIZE: positiveInt(500),
  LEASE_SECONDS: positiveInt(DEFAULT_LEASE_SECONDS),
  DISPATCH_BUDGET_SECONDS: positiveInt(240),
};

export function loadDispatchConfig(env: Env = process.env): DispatchConfig {
  const vars = parseEnv(dispatchShape, env);
  return {
    topic: vars.OFFLINE_WORK_TOPIC,
    batchSize: Math.min(vars.DISPATCH_BATCH_SIZE, 1000),
    maxUsersPerRun: vars.MAX_USERS_PER_RUN,
    pageSize: Math.min(vars.DISPATCH_PAGE_SIZE, 1000),
    leaseSeconds: vars.LEASE_SECONDS,
    runBudgetSeconds: vars.DISPATCH_BUDGET_SECONDS,
  };
}

const workerShape = {
  // Users one worker instance runs at once, across all its messages. A run mostly waits on Google
  // (a handful of calls), so this is set for latency; memory is bounded by the photo job's budget.
  WORKER_CONCURRENCY: positiveInt(32),
  OFFLINE_WORK_INTERVAL: positiveInt(3600),
  LEASE_SECONDS: positiveInt(DEFAULT_LEASE_SECONDS),
  WORKER_TIMEOUT_SECONDS: positiveInt(DEFAULT_WORKER_TIMEOUT_SECONDS),
};

export function loadWorkerConfig(env: Env = process.env): WorkerConfig {
  const vars = parseEnv(workerShape, env);
  if (vars.LEASE_SECONDS <= vars.WORKER_TIMEOUT_SECONDS) {
    throw new ConfigError([{ variable: 'LEASE_SECONDS', problem: `must be longer than WORKER_TIMEOUT_SECONDS (${vars.WORKER_TIMEOUT_SECONDS})` }]);
  }
  return {
    concurrency: vars.WORKER_CONCURRENCY,
    intervalSeconds: vars.OFFLINE_WORK_INTERVAL,
    leaseSeconds: vars.LEASE_SECONDS,
    timeoutSeconds: vars.WORKER_TIMEOUT_SECONDS,
  };
}
