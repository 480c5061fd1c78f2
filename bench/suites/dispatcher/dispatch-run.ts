import { Firestore } from '@google-cloud/firestore';
import { PubSub } from '@google-cloud/pubsub';
import { loadDispatchConfig } from '../../../functions/src/config';
import { DueIndex } from '../../../functions/src/offline/due-index/due-index';
import { clearFirestore } from '../../../scripts/lib/emulators';
import type { SandboxGoogle } from '../../../sandbox/src/server';
import { benchFunctionEnv } from '../../lib/function-env';
import { sleep } from '../../lib/http-probe';
import { DispatcherFleet, type ShardRunLog } from './dispatcher-fleet';
import { measureDueQueryMs } from './emulator-limits';
import { type InvariantCounts, checkInvariants } from './invariants';
import { LeaseRunner, type RunTotals } from './lease-runner';
import { seedDuePopulation } from './population';
import { startPushRelay } from './push-relay';
import { type ShardFigures, shardFigures } from './shard-stats';
import { WorkLog } from './work-log';

/**
 * One configuration of the dispatcher bench, end to end on the emulators, wired as deployed: the
 * tick POSTs a dispatcher process, which publishes one `{"shard": s}` message per shard to
 * DISPATCH_TOPIC; each is pushed back (push-relay.ts) to a dispatcher process as its own request;
 * the shard runs publish the claimed users to the work topic, which the bench reads through a
 * pull subscription.
 *
 * `throughput`: one process, one tick; each user must be published once and its record must hold
 * that publication's claim (nothing runs the users: three Firestore operations per user would
 * take the shared emulator longer than the dispatch). `chaos`: two processes behind the push,
 * three racing ticks and one shard message delivered twice, every message run as it arrives with
 * the worker's own lease mechanism (lease-runner.ts), so each user must run exactly once; the
 * second process is SIGKILLed while it claims, and a tick after LEASE_SECONDS picks up what it
 * claimed but never published.
 */
export interface DispatchRunSpec {
  label: string;
  mode: 'throughput' | 'chaos';
  users: number;
  shards: number;
  /** DISPATCH_SHARD_RATE. */
  shardRate: number;
  /** LEASE_SECONDS, of the dispatcher's claim and of the stand-in worker's lease. */
  leaseSeconds: number;
  /** Every wait of the run (publication, runs) gives up after this long, and says so. */
  timeoutMs: number;
  random: () => number;
  log: (line: string) => void;
}

export interface DispatchRunResult extends Pick<DispatchRunSpec, 'label' | 'mode' | 'users' | 'shards' | 'shardRate' | 'leaseSeconds'> {
  processes: number;
  seed: { seconds: number; emulatorWritesPerS: number };
  /** One page of the due query timed alone before the tick (the emulator scans the collection). */
  dueQueryMs: number;
  /** From the (first) tick's POST to the first publication of the last user. */
  seconds: number;
  usersPerS: number;
  messages: number;
  /** Scheduler ticks of a throughput run (another once the last one's shard runs ended with users still due). */
  ticks: number;
  /** Publications of a user already published (a claim that expired and was made again). */
  republished: number;
  shardRuns: ShardRunLog[];
  /** Per shard: claim rate from publish times, and oldest-first order (throughput runs). */
  perShard: ShardFigures[];
  /** DISPATCH_PAGE_SIZE as the dispatchers read it. */
  pageSize: number;
  /** The largest distance of any user from its due order (must stay under a page in a throughput run). */
  maxDisplacement: number;
  heldRate: HeldRate;
  firestore: { reads: number; writes: number; readsPerUser: number; writesPerUser: number };
  push: { deliveries: number; redeliveries: number; failures: number; lastFailure?: string };
  runs: RunTotals;
  invariants: InvariantCounts;
  /** followUpAtS: when the killed process's claims expired (LEASE_SECONDS after the kill); ticks: those after the three racing ones. */
  kill?: { atS: number; inFlightOnKilled: number; followUpAtS: number; recoveredAfterLease: number; ticks: number };
  violations: string[];
  /** What the dispatchers logged as warnings or errors (a few). */
  dispatcherProblems: string[];
  wallSeconds: number;
}

export interface HeldRate {
  setting: number;
  /** The product's own figure per shard run ('Shard dispatched' claimsPerSecond): min / median / max. */
  logged: { min: number; median: number; max: number };
  /** From the publish times, after each shard's first page (`steadyRate`; shards of one page have none): min / median / max. */
  steady: { min: number; median: number; max: number };
}

const STAND_IN_WORKER_CONCURRENCY = 64;

export async function runDispatchConfiguration(sandbox: SandboxGoogle, spec: DispatchRunSpec): Promise<DispatchRunResult> {
  const wallStarted = performance.now();
  const topic = `bench-work-${spec.label}`;
  const dispatchTopic = `bench-dispatch-${spec.label}`;
  const processes = spec.mode === 'chaos' ? 2 : 1;
  const { env, projectId } = benchFunctionEnv(sandbox, 'dispatch', {
    OFFLINE_WORK_TOPIC: topic,
    DISPATCH_TOPIC: dispatchTopic,
    DUE_SHARDS: String(spec.shards),
    DISPATCH_SHARD_RATE: String(spec.shardRate),
    // The bench measures throughput, not the per-run quota.
    MAX_USERS_PER_RUN: String(spec.users),
    // Throughput runs keep the default budget (50 s) and tick again as the scheduler would: a shard
    // run that outlived the dispatch subscription's 600 s ack deadline would be delivered again and
    // race itself. So does the chaos run, ticking whenever its shard runs have ended.
    LEASE_SECONDS: String(spec.leaseSeconds),
  });
  const db = new Firestore({ projectId });
  const pubsub = new PubSub({ projectId });
  const violations: string[] = [];
  let fleet: DispatcherFleet | undefined;
  let work: WorkLog | undefined;
  let relay: ReturnType<typeof startPushRelay> | undefined;
  try {
    const [workTopic] = await pubsub.createTopic(topic);
    const [workSubscription] = await workTopic.createSubscription(`${topic}-pull`, { ackDeadlineSeconds: 600 });
    const [shardTopic] = await pubsub.createTopic(dispatchTopic);
    // Pulled by the relay standing in for push: 600 s is the longest ack deadline Pub/Sub allows.
    await shardTopic.createSubscription(`${dispatchTopic}-relay`, { ackDeadlineSeconds: 600 });

    const seeded = await seedDuePopulation(db, { collection: 'users', users: spec.users, shards: spec.shards, random: spec.random });
    const { population } = seeded;
    spec.log(`${spec.users} due users written in ${seeded.seconds.toFixed(1)} s (${Math.round(seeded.writesPerS)} writes/s)`);
    // As infra/deploy.sh's backfillShards call leaves a database whose users all have a shard.
    await new DueIndex(db, 'users').markBackfillDone(new Date());
    const dueQueryMs = await measureDueQueryMs(db, 'users', 0);

    fleet = await DispatcherFleet.start(processes, env);
    const dispatchers = fleet;
    const noDispatcher = (): boolean => dispatchers.liveUrls().length === 0;
    work = new WorkLog(workSubscription, population);
    relay = startPushRelay(pubsub, `${dispatchTopic}-relay`, () => dispatchers.liveUrls(), spec.timeoutMs);
    const runner = new LeaseRunner(db, 'users', { concurrency: STAND_IN_WORKER_CONCURRENCY, leaseSeconds: spec.leaseSeconds, intervalSeconds: 3600 });
    const ran = spec.mode === 'chaos';
    if (ran) work.onUsers((users) => runner.enqueue(users));

    const tickStarted = Date.now();
    let ticks = 0;
    let kill: DispatchRunResult['kill'];
    if (spec.mode === 'throughput') {
      const deadline = Date.now() + spec.timeoutMs;
      for (;;) {
        const received = relay.received;
        await tick(fleet.liveUrls()[0]!, spec.shards, violations);
        ticks += 1;
        // This tick's shard runs end within the budget; the next tick comes once they all have (none overlap).
        await waitFor(() => relay!.received >= received + spec.shards && relay!.outstanding === 0, Math.max(0, deadline - Date.now()), noDispatcher);
        if (await work.waitForEveryUser(2_000, noDispatcher)) break;
        if (Date.now() > deadline || noDispatcher()) {
          violations.push(`not every user was published within ${spec.timeoutMs / 1000} s${relay.lastFailure ? ` (last failed push: ${relay.lastFailure})` : ''}`);
          break;
        }
      }
    } else {
      relay.duplicateNext();
      const [a, b] = [fleet.instances[0]!.fn.url, fleet.instances[1]!.fn.url];
      await Promise.all([a, b, a].map((url) => tick(url, spec.shards, violations)));
      kill = await killWhileClaiming(fleet, relay, work, spec, tickStarted, violations);
      ticks = 3 + (kill?.ticks ?? 0);
    }
    const timedSeconds = work.distinct > 0 ? (work.lastFirstPublished - tickStarted) / 1000 : Number.NaN;
    const ops = await fleet.ops();
    spec.log(`${work.distinct} of ${spec.users} users published in ${timedSeconds.toFixed(1)} s${ran ? '; the stand-in worker finishes its runs' : ''}`);
    // Three Firestore operations per user against a shared emulator: far slower than the claims.
    const drainMs = Math.max(spec.timeoutMs, Math.ceil(spec.users / 40) * 1000);
    if (ran && !(await runner.drain(drainMs))) violations.push(`the stand-in worker did not finish within ${drainMs / 1000} s`);
    if (fleet.crashes() > 0) violations.push(`${fleet.crashes()} dispatcher process(es) crashed: ${fleet.problems.filter((p) => p.includes('exited by itself')).join(' / ')}`);
    const invariants = await checkInvariants(db, population, work, { ran });
    if (!ran && work.republished > 0) violations.push(`${work.republished} publications of users already published by the one tick (claimed twice)`);
    violations.push(...invariants.violations);
    if (runner.totals.lostLeases > 0) violations.push(`${runner.totals.lostLeases} runs lost their lease before finishing`);
    if (runner.totals.abandoned > 0) violations.push(`${runner.totals.abandoned} lease steps failed 5 times (emulator errors)`);
    const pageSize = loadDispatchConfig(env).pageSize;
    const perShard = shardFigures(population, work, pageSize);
    const displaced = Math.max(0, ...perShard.map((f) => f.maxDisplacement));
    if (spec.mode === 'throughput' && displaced >= pageSize) {
      violations.push(`not oldest due first: a user was published ${displaced} places from its due order (a page is ${pageSize})`);
    }
    const runs = fleet.runs;
    return {
      label: spec.label,
      mode: spec.mode,
      users: spec.users,
      shards: spec.shards,
      shardRate: spec.shardRate,
      leaseSeconds: spec.leaseSeconds,
      processes,
      seed: { seconds: seeded.seconds, emulatorWritesPerS: seeded.writesPerS },
      dueQueryMs,
      seconds: timedSeconds,
      usersPerS: spec.users / timedSeconds,
      messages: work.messages,
      ticks,
      republished: work.republished,
      shardRuns: runs,
      perShard,
      pageSize,
      maxDisplacement: displaced,
      heldRate: {
        setting: spec.shardRate,
        logged: spread(runs.filter((r) => r.dispatched > 0).map((r) => r.claimsPerSecond)),
        steady: spread(perShard.flatMap((s) => (s.steadyClaimsPerS === undefined ? [] : [s.steadyClaimsPerS]))),
      },
      firestore: { ...ops, readsPerUser: ops.reads / spec.users, writesPerUser: ops.writes / spec.users },
      push: { deliveries: relay.deliveries, redeliveries: relay.redeliveries, failures: relay.failures, ...(relay.lastFailure ? { lastFailure: relay.lastFailure } : {}) },
      runs: runner.totals,
      invariants: invariants.counts,
      ...(kill ? { kill } : {}),
      violations,
      dispatcherProblems: fleet.problems.slice(0, 20),
      wallSeconds: (performance.now() - wallStarted) / 1000,
    };
  } finally {
    await relay?.close();
    await work?.close();
    await fleet?.stop();
    await pubsub.close();
    await db.terminate();
    // The emulator keeps every document in memory: free this configuration's before the next.
    await clearFirestore(process.env.FIRESTORE_EMULATOR_HOST!, projectId).catch(() => undefined);
  }
}

/** One Cloud Scheduler tick: with DISPATCH_TOPIC set the dispatcher answers `{"shards": N}` at once. */
async function tick(url: string, shards: number, violations: string[]): Promise<void> {
  const response = await fetch(url, { method: 'POST', signal: AbortSignal.timeout(30_000) });
  const body = (await response.json()) as { shards?: number };
  if (response.status !== 200 || body.shards !== shards) violations.push(`a tick answered ${response.status} ${JSON.stringify(body)}`);
}

/**
 * The chaos run after its three racing ticks, with the default DISPATCH_BUDGET_SECONDS (each shard
 * run stops after it and the next tick carries on, as Cloud Scheduler's minute ticks would):
 * tick again whenever every shard run has ended, SIGKILL the second process once a quarter of
 * the users are published and it has shard runs in flight, and keep ticking until every user is
 * published. The killed process's claims stay unpublished until LEASE_SECONDS after the kill
 * (longer than the rest of the dispatch takes): the users first published from then on are the
 * ones it stranded.
 */
async function killWhileClaiming(
  fleet: DispatcherFleet,
  relay: ReturnType<typeof startPushRelay>,
  work: WorkLog,
  spec: DispatchRunSpec,
  tickStarted: number,
  violations: string[],
): Promise<DispatchRunResult['kill']> {
  const victim = fleet.instances[1]!;
  const noDispatcher = (): boolean => fleet.liveUrls().length === 0;
  const tickWhenIdle = async (): Promise<number> => {
    if (relay.outstanding > 0 || noDispatcher()) return 0;
    await tick(fleet.liveUrls()[0]!, spec.shards, violations);
    return 1;
  };
  let ticks = 0;
  const killBy = Date.now() + spec.timeoutMs;
  while (!(work.distinct >= spec.users / 4 && relay.inFlight(victim.fn.url) > 0)) {
    if (Date.now() > killBy || noDispatcher()) {
      violations.push('the second dispatcher never had a shard run in flight to kill');
      return undefined;
    }
    ticks += await tickWhenIdle();
    await sleep(20);
  }
  const inFlightOnKilled = relay.inFlight(victim.fn.url);
  const killedAt = Date.now();
  fleet.kill(1);
  spec.log(`SIGKILLed dispatcher 2 with ${inFlightOnKilled} shard runs in flight, ${work.distinct} users published`);
  const leaseEnds = killedAt + spec.leaseSeconds * 1000;
  const deadline = leaseEnds + spec.timeoutMs;
  for (;;) {
    if (await work.waitForEveryUser(1_000, noDispatcher)) break;
    if (Date.now() > deadline || noDispatcher()) {
      violations.push(`not every user was published within LEASE_SECONDS + ${spec.timeoutMs / 1000} s of the kill`);
      break;
    }
    ticks += await tickWhenIdle();
  }
  if (!(await waitFor(() => relay.outstanding === 0, spec.timeoutMs, noDispatcher))) violations.push('shard messages were still unhandled at the timeout');
  await work.waitForQuiet(2_000, 30_000);
  let recoveredAfterLease = 0;
  let publishedBeforeLeaseEnd = 0;
  work.firstPublished.forEach((at) => {
    if (at >= leaseEnds) recoveredAfterLease += 1;
    else publishedBeforeLeaseEnd += 1;
  });
  spec.log(`${publishedBeforeLeaseEnd} users published before LEASE_SECONDS after the kill, ${recoveredAfterLease} after; ${ticks} more ticks`);
  return { atS: (killedAt - tickStarted) / 1000, inFlightOnKilled, followUpAtS: (leaseEnds - tickStarted) / 1000, recoveredAfterLease, ticks };
}

/** Polls `condition` until it holds (true), or `timeoutMs` passed or `giveUp` holds (false). */
async function waitFor(condition: () => boolean, timeoutMs: number, giveUp: () => boolean = () => false): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline || giveUp()) return false;
    await sleep(20);
  }
  return true;
}

function spread(values: number[]): { min: number; median: number; max: number } {
  if (values.length === 0) return { min: 0, median: 0, max: 0 };
  const sorted = [...values].sort((a, b) => a - b);
  return { min: sorted[0]!, median: sorted[Math.floor(sorted.length / 2)]!, max: sorted.at(-1)! };
}
