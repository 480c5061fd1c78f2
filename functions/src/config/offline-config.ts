import { z } from 'zod';
import { ConfigError } from './config-error';
import { dueIndexShape } from './due-index-config';
import { type Env, optionalString, parseEnv, positiveInt, requiredString } from './env-schema';

export interface DispatchConfig {
  /** Where claimed users go, in batches (the workers' topic). */
  topic: string;
  /**
   * Set: a tick publishes one `{"shard": s}` message per shard here, pushed back to the dispatcher,
   * so shards are claimed in parallel by as many instances. Unset: a tick claims every shard itself.
   */
  dispatchTopic: string | undefined;
  /** DUE_SHARDS as configured here; the dispatcher serves the largest count ever configured. */
  shards: number;
  /** Claim writes per second of one shard run, through one rate limiter for the whole run. */
  shardRate: number;
  /** User ids per Pub/Sub message. */
  batchSize: number;
  /** Quota guard: at most this many users leave one shard run; the next tick continues. */
  maxUsersPerRun: number;
  /** Firestore query page size. */
  pageSize: number;
  /** How long a dispatched user stays out of the due set while a worker picks it up. */
  leaseSeconds: number;
  /** A shard run starts no new page after this long, so it ends before the next tick. */
  runBudgetSeconds: number;
  /** OFFLINE_WORK_INTERVAL: the summary line says how many intervals the oldest due user is behind. */
  intervalSeconds: number;
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

const topicId = () => z.string().regex(/^[A-Za-z][\w.~+%-]{2,254}$/, 'must be a Pub/Sub topic id (3-255 characters, starting with a letter)');
const topicName = () => requiredString().pipe(topicId());

export const dispatchShape = {
  ...dueIndexShape,
  OFFLINE_WORK_TOPIC: topicName(),
  DISPATCH_TOPIC: optionalString().pipe(topicId().optional()),
  DISPATCH_SHARD_RATE: positiveInt(400),
  DISPATCH_BATCH_SIZE: positiveInt(50),
  MAX_USERS_PER_RUN: positiveInt(20_000),
  DISPATCH_PAGE_SIZE: positiveInt(500),
  LEASE_SECONDS: positiveInt(DEFAULT_LEASE_SECONDS),
  DISPATCH_BUDGET_SECONDS: positiveInt(50),
  OFFLINE_WORK_INTERVAL: positiveInt(3600),
};

export function loadDispatchConfig(env: Env = process.env): DispatchConfig {
  const vars = parseEnv(dispatchShape, env);
  if (vars.DISPATCH_TOPIC !== undefined && vars.DISPATCH_TOPIC === vars.OFFLINE_WORK_TOPIC) {
    throw new ConfigError([{ variable: 'DISPATCH_TOPIC', problem: 'must not be OFFLINE_WORK_TOPIC (shard messages and work batches are different messages)' }]);
  }
  return {
    topic: vars.OFFLINE_WORK_TOPIC,
    dispatchTopic: vars.DISPATCH_TOPIC,
    shards: vars.DUE_SHARDS,
    shardRate: vars.DISPATCH_SHARD_RATE,
    batchSize: Math.min(vars.DISPATCH_BATCH_SIZE, 1000),
    maxUsersPerRun: vars.MAX_USERS_PER_RUN,
    pageSize: Math.min(vars.DISPATCH_PAGE_SIZE, 1000),
    leaseSeconds: vars.LEASE_SECONDS,
    runBudgetSeconds: vars.DISPATCH_BUDGET_SECONDS,
    intervalSeconds: vars.OFFLINE_WORK_INTERVAL,
  };
}

export const workerShape = {
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
