/**
 * How hard and how long a soak shakes the offline pipeline. The worker's lease and dispatch
 * timings are shortened only through the product's own configuration variables, exactly as an
 * operator would set them; nothing in the product knows it is being soaked.
 */
export interface SoakConfig {
  name: string;
  users: number;
  /** Photos each user starts with (at least 1), and how many users get one more mid-chaos. */
  photosPerUser: number;
  lateUploadShare: number;
  /**
   * Share of users whose grant Google revokes before the chaos, with all its access tokens. Half of
   * them still hold a fresh cached access token (Drive's 401 is the first sign, then invalid_grant),
   * half are due for a refresh (invalid_grant before any Drive call); at least one of each.
   */
  revokedShare: number;
  /** Lifetime of the access tokens the sandbox issues, except the live-revoked users' first one (3600 s, as Google). */
  accessTokenLifetimeSeconds: number;
  /** Faults, kills and redelivery run this long... */
  chaosSeconds: number;
  /**
   * ...then the soak waits at most this long (faults still on, no more kills) for every user to
   * settle. With a 10% rate of 5xx, an upload fails often: that ends the user's run (the create may
   * have happened: enhance-one.ts) and the user comes back after a backoff, so a user can need
   * two or three backoffs after the chaos.
   */
  settleSeconds: number;
  kills: number;
  faults: {
    serverErrorRate: number;
    rateLimitRate: number;
    retryAfterSeconds: number;
    /** Every call waits a latency drawn afresh each second between 0 and this. */
    maxLatencyMs: number;
  };
  /** Product configuration (environment variables) of every function. */
  productEnv: Record<string, string>;
  schedulerTickSeconds: number;
  /** Pub/Sub's wait for the worker's answer before redelivering (10 s is Pub/Sub's minimum). */
  ackDeadlineSeconds: number;
  seed: number;
}

const FAULTS = { serverErrorRate: 0.1, rateLimitRate: 0.05, retryAfterSeconds: 1, maxLatencyMs: 150 };

/** `npm run soak`: about five minutes. */
export const FULL_SOAK: SoakConfig = {
  name: 'soak',
  users: 500,
  photosPerUser: 2,
  lateUploadShare: 0.2,
  revokedShare: 0.05,
  accessTokenLifetimeSeconds: 240,
  chaosSeconds: 210,
  settleSeconds: 90,
  kills: 5,
  faults: FAULTS,
  // 4 shards, not the default 16: see SHORT_SOAK.
  productEnv: { OFFLINE_WORK_INTERVAL: '30', WORKER_TIMEOUT_SECONDS: '24', LEASE_SECONDS: '30', DUE_SHARDS: '4' },
  schedulerTickSeconds: 3,
  ackDeadlineSeconds: 10,
  seed: 6,
};

/**
 * The version `npm test` runs (test/integration/soak): the same faults, kills and redelivery on
 * 60 users with shorter timings, so the whole test stays under a minute.
 */
export const SHORT_SOAK: SoakConfig = {
  name: 'short soak',
  users: 60,
  photosPerUser: 1,
  lateUploadShare: 0.2,
  revokedShare: 0.05,
  accessTokenLifetimeSeconds: 240,
  chaosSeconds: 20,
  settleSeconds: 45,
  kills: 5,
  faults: FAULTS,
  // 4 shards, not the default 16: each shard run publishes its own work messages, so a few hundred
  // users over 16 shards make messages of a handful of users, and the Pub/Sub emulator pushes only
  // two messages at a time (production push scales with the subscriber). With the worker killed
  // five times, that backlog outlives these short claims: users are delayed (never lost or run
  // twice) past the settle window. Sharding itself is measured by the dispatcher bench.
  productEnv: { OFFLINE_WORK_INTERVAL: '10', WORKER_TIMEOUT_SECONDS: '10', LEASE_SECONDS: '12', DUE_SHARDS: '4' },
  schedulerTickSeconds: 2,
  ackDeadlineSeconds: 10,
  seed: 7,
};
