import { cpus } from 'node:os';
import { Firestore, Timestamp } from '@google-cloud/firestore';
import { loadWorkerConfig } from '../../functions/src/config';
import { fileKeySource } from '../../functions/src/tokens/file-key-source';
import { createTokenVault } from '../../functions/src/tokens/vault';
import { testPhoto } from '../../test/support/images';
import { TEST_CLIENT } from '../../test/support/sandbox';
import type { BenchContext } from '../lib/bench-context';
import { atLeast, atMost, below, type SuiteReport } from '../lib/report';
import { round } from '../lib/stats';
import { markdownTable } from '../lib/table';
import { updateUsers } from './offline/bulk-update';
import { googleCalls, measuredRound, type RoundStats } from './offline/measured-round';
import { naiveOfflineRun } from './offline/naive-loop';
import { type OfflineStack, startOfflineStack } from './offline/offline-stack';
import { signInUsers } from './offline/sign-in-users';
import { PROPOSED_WORKER_RUNTIME_ENV } from './offline/worker-runtime';

/**
 * Offline work at scale: 2,000 signed-in users, each with one new small photo since their last
 * run (the hourly steady state), sandbox Google answering every call after 50 ms, one worker
 * process (product defaults) fed by the dispatcher through Pub/Sub push. Set-up, untimed: users
 * sign in through the exchange, and a first run with no latency puts each on the changes feed;
 * before a timed round every user gets a photo and an expired access token (an hour has passed)
 * and becomes due.
 *
 * Compared in the same run with the concurrency bound (users x Google calls per user x 50 ms /
 * WORKER_CONCURRENCY) and with a naive sequential loop timed on other users and extrapolated.
 * A second timed round restarts the worker with the runtime settings proposed for its deploy
 * (offline/worker-runtime.ts), to show their effect on memory.
 */
export interface RoundResult {
  wallS: number;
  usersPerS: number;
  ratioToBound: number;
  peakRssMiB: number;
  workerCpuMsPerUser: number;
  /** Worker CPU over the round as a share of one core (sharp works on other threads, so it can exceed 1). */
  workerCpuShare: number;
  /** Share of the round the worker's JavaScript thread was running code: near 1, that thread is the bottleneck. */
  workerEventLoopBusy: number;
  /** Cores the whole machine kept busy on average over the round, of `cores`: near `cores` means CPU-bound. */
  machineBusyCores: number;
  cores: number;
}

export interface OfflineWorkResult {
  users: number;
  latencyMs: number;
  concurrency: number;
  googleCallsPerUser: number;
  boundS: number;
  defaults: RoundResult;
  proposedRuntime: RoundResult & { env: Readonly<Record<string, string>> };
  naive: { users: number; secondsPerUser: number; extrapolatedS: number; googleCallsPerUser: number };
  speedupOverNaive: number;
  firestore: { workerReadsPerUser: number; workerWritesPerUser: number; dispatcherReadsPerUser: number; dispatcherWritesPerUser: number };
  /** CPU this bench process (the sandbox Google, answering every call) used per user. */
  sandboxCpuMsPerUser: number;
  outcomes: { done: number; failed: number; skipped: number; messages: number };
}

const LATENCY_MS = 50;

export async function runOfflineWork(context: BenchContext): Promise<SuiteReport<OfflineWorkResult>> {
  const { sandbox } = context;
  const users = context.quick ? 300 : 2_000;
  const stack = await startOfflineStack(sandbox);
  const db = new Firestore({ projectId: stack.projectId });
  try {
    const subs = Array.from({ length: users }, (_, i) => `offline-${i}`);
    await signInUsers(sandbox, stack.exchange.url, subs);
    context.log(`${users} users signed in; a first run (no photos, no latency) puts them on the changes feed`);
    stack.batches.reset();
    await stack.dispatch();
    await stack.batches.waitForUsers(users, 180_000);
    const naive = await timeNaiveLoop(context, stack, db, context.quick ? 10 : 40);
    context.log(`naive loop: ${round(naive.secondsPerUser * 1000)} ms and ${naive.googleCallsPerUser} Google calls per user`);

    await nextHour(context, db, subs, 'photo-1.jpg');
    const defaults = await measuredRound(context, stack, subs);
    context.log(`product defaults: ${users} users in ${round(defaults.wallS)} s`);
    checkEveryPhotoEnhancedOnce(context, subs);

    await stack.restartWorker(PROPOSED_WORKER_RUNTIME_ENV);
    await nextHour(context, db, subs, 'photo-2.jpg');
    const proposed = await measuredRound(context, stack, subs);
    context.log(`proposed worker runtime settings: ${users} users in ${round(proposed.wallS)} s`);
    checkEveryPhotoEnhancedOnce(context, subs);
    return report(summarise(users, defaults, proposed, naive));
  } finally {
    sandbox.admin.setFaults({});
    sandbox.drive.setDefaultFaults({});
    await stack.stop();
    await db.terminate();
  }
}

/** An hour later: one new photo per user, access tokens expired, users due (unless told not), Google at 50 ms. */
async function nextHour(context: BenchContext, db: Firestore, subs: readonly string[], name: string, due = true): Promise<void> {
  context.sandbox.admin.setFaults({});
  context.sandbox.drive.setDefaultFaults({});
  const photo = await testPhoto(64, 48, { seed: name.length }); // small, as in the offline tests: this bench is about orchestration
  for (const sub of subs) context.sandbox.drive.putFile(sub, { name, mimeType: 'image/jpeg', content: photo });
  await updateUsers(db, subs, { nextRunAt: Timestamp.fromMillis(due ? 0 : Date.now() + 86_400_000), accessTokenExpiresAt: Timestamp.fromMillis(0) });
  context.sandbox.admin.setFaults({ tokenEndpoint: { latencyMs: LATENCY_MS } });
  context.sandbox.drive.setDefaultFaults({ latencyMs: LATENCY_MS });
}

/** Other users (kept out of the dispatcher's way), each with one photo, one after another. */
async function timeNaiveLoop(context: BenchContext, stack: OfflineStack, db: Firestore, count: number) {
  const subs = Array.from({ length: count }, (_, i) => `naive-${i}`);
  await signInUsers(context.sandbox, stack.exchange.url, subs);
  await nextHour(context, db, subs, 'photo-1.jpg', false);
  const before = googleCalls(context, subs);
  const started = performance.now();
  await naiveOfflineRun(subs, {
    db,
    collection: 'users',
    vault: createTokenVault(fileKeySource(stack.keyFile)),
    clientId: TEST_CLIENT.clientId,
    clientSecret: TEST_CLIENT.clientSecret,
    tokenUrl: context.sandbox.endpoints.tokenUrl,
    apiRootUrl: context.sandbox.endpoints.apiRootUrl,
  });
  const seconds = (performance.now() - started) / 1000;
  checkEveryPhotoEnhancedOnce(context, subs);
  return { users: count, secondsPerUser: seconds / count, googleCallsPerUser: round((googleCalls(context, subs) - before) / count) };
}

/** The work really happened: each user's every photo has exactly one enhanced result. */
function checkEveryPhotoEnhancedOnce(context: BenchContext, subs: readonly string[]): void {
  const wrong = subs.filter((sub) => {
    const files = context.sandbox.drive.listFiles(sub);
    const results = files.filter((f) => f.appProperties?.derivedFrom);
    return files
      .filter((f) => !f.appProperties?.derivedFrom)
      .some((source) => results.filter((r) => r.appProperties?.derivedFrom === source.id).length !== 1);
  });
  if (wrong.length > 0) throw new Error(`${wrong.length} user(s) do not have exactly one enhanced result per photo, e.g. ${wrong[0]}`);
}

function summarise(users: number, defaults: RoundStats, proposed: RoundStats, naive: Awaited<ReturnType<typeof timeNaiveLoop>>): OfflineWorkResult {
  const concurrency = loadWorkerConfig({}).concurrency;
  const googleCallsPerUser = defaults.googleCalls / users;
  const boundS = (users * googleCallsPerUser * LATENCY_MS) / 1000 / concurrency;
  const roundResult = (stats: RoundStats): RoundResult => ({
    wallS: round(stats.wallS),
    usersPerS: round(users / stats.wallS),
    ratioToBound: round(stats.wallS / boundS),
    peakRssMiB: round(stats.peakRssMiB),
    workerCpuMsPerUser: round((stats.workerCpuS * 1000) / users),
    workerCpuShare: round(stats.workerCpuS / stats.wallS),
    workerEventLoopBusy: round(stats.workerEventLoopBusy),
    machineBusyCores: round(stats.machineBusyS / stats.wallS),
    cores: cpus().length,
  });
  const naiveExtrapolatedS = naive.secondsPerUser * users;
  return {
    users,
    latencyMs: LATENCY_MS,
    concurrency,
    googleCallsPerUser: round(googleCallsPerUser),
    boundS: round(boundS),
    defaults: roundResult(defaults),
    proposedRuntime: { ...roundResult(proposed), env: PROPOSED_WORKER_RUNTIME_ENV },
    naive: { users: naive.users, secondsPerUser: round(naive.secondsPerUser), extrapolatedS: round(naiveExtrapolatedS), googleCallsPerUser: naive.googleCallsPerUser },
    speedupOverNaive: round(naiveExtrapolatedS / defaults.wallS),
    firestore: {
      workerReadsPerUser: round(defaults.worker.reads / users),
      workerWritesPerUser: round(defaults.worker.writes / users),
      dispatcherReadsPerUser: round(defaults.dispatcher.reads / users),
      dispatcherWritesPerUser: round(defaults.dispatcher.writes / users),
    },
    sandboxCpuMsPerUser: round((defaults.benchCpuS * 1000) / users),
    outcomes: { done: defaults.totals.done, failed: defaults.totals.failed, skipped: defaults.totals.skipped, messages: defaults.totals.messages },
  };
}

function report(result: OfflineWorkResult): SuiteReport<OfflineWorkResult> {
  const f = result.firestore;
  const row = (label: string, r: RoundResult) => [
    label,
    r.wallS,
    r.usersPerS,
    `${r.ratioToBound}x`,
    r.workerCpuMsPerUser,
    `${Math.round(r.workerCpuShare * 100)}%`,
    `${Math.round(r.workerEventLoopBusy * 100)}%`,
    `${r.machineBusyCores} of ${r.cores}`,
    r.peakRssMiB,
  ];
  return {
    suite: 'offlineWork',
    result,
    goals: [
      atMost('offline work: wall time / concurrency bound', result.defaults.ratioToBound, 1.25, 'x'),
      atLeast('offline work: speed-up over the naive loop', result.speedupOverNaive, 20, 'x'),
      atMost('offline work: Firestore reads + writes per user per run (worker)', round(f.workerReadsPerUser + f.workerWritesPerUser), 4),
      below('offline work: worker peak RSS (Node defaults)', result.defaults.peakRssMiB, 256, ' MiB'),
      below('offline work: worker peak RSS (proposed runtime settings)', result.proposedRuntime.peakRssMiB, 256, ' MiB'),
    ],
    markdown: [
      `### Offline work (${result.users} users, one new photo each, Google at ${result.latencyMs} ms per call, one worker process)`,
      `Google calls per user ${result.googleCallsPerUser}; WORKER_CONCURRENCY ${result.concurrency}; concurrency bound ${result.boundS} s; ` +
        `naive loop ${result.naive.extrapolatedS} s (${result.naive.users} users timed one after another, ${result.naive.secondsPerUser} s and ${result.naive.googleCallsPerUser} Google calls each, extrapolated); ` +
        `speed-up over it ${result.speedupOverNaive}x.`,
      markdownTable(
        ['worker', 'wall s', 'users/s', 'wall / bound', 'worker CPU ms/user', 'worker CPU (of a core)', 'worker JS thread busy', 'machine cores busy', 'peak RSS MiB'],
        [row('Node defaults', result.defaults), row(`proposed: ${Object.entries(result.proposedRuntime.env).map(([k, v]) => `${k}=${v}`).join(' ')}`, result.proposedRuntime)],
      ),
      markdownTable(
        ['Firestore per user per run', 'reads', 'writes'],
        [
          ['worker (lease, result)', f.workerReadsPerUser, f.workerWritesPerUser],
          ['dispatcher (query, claim)', f.dispatcherReadsPerUser, f.dispatcherWritesPerUser],
        ],
      ),
      `Sandbox Google (in the bench process) used ${result.sandboxCpuMsPerUser} ms CPU per user. ` +
        `Outcomes: ${result.outcomes.done} done, ${result.outcomes.failed} failed, ${result.outcomes.skipped} skipped, in ${result.outcomes.messages} messages.`,
    ].join('\n\n'),
  };
}
