import { cpus } from 'node:os';
import { Firestore, Timestamp } from '@google-cloud/firestore';
import { loadWorkerConfig } from '../../functions/src/config';
import { fileKeySource } from '../../functions/src/tokens/file-key-source';
import { createTokenVault } from '../../functions/src/tokens/vault';
import { testPhoto } from '../../test/support/images';
import { TEST_CLIENT } from '../../test/support/sandbox';
import type { CapacityFigures } from '../capacity/figures';
import { workerRuntimeEnv } from '../../scripts/lib/deploy-settings';
import type { BenchContext } from '../lib/bench-context';
import { currentLoad, describeMachine } from '../lib/machine';
import { peakRssMiB } from '../lib/peak-rss';
import { opCountsBetween } from '../lib/op-counts';
import { processCpuSeconds } from '../lib/process-cpu';
import { atLeast, atMost, below, type SuiteReport } from '../lib/report';
import { round } from '../lib/stats';
import { markdownTable } from '../lib/table';
import { updateUsers } from './offline/bulk-update';
import { capacityFigures, type RoundInput, type SignInInput } from './offline/capacity-figures';
import { enhancementCpuMsPerPhoto } from './offline/enhancement-cpu';
import { googleCalls, measuredRound, type RoundStats } from './offline/measured-round';
import { naiveOfflineRun } from './offline/naive-loop';
import { type OfflineStack, startOfflineStack } from './offline/offline-stack';
import { signInUsers } from './offline/sign-in-users';

/**
 * Offline work at scale: 2,000 signed-in users, each with one new small photo since their last
 * run (the hourly steady state), sandbox Google answering every call after 50 ms, one worker
 * process with the runtime settings infra/deploy.sh gives it (read from infra/lib/functions-table.sh),
 * fed by the dispatcher through Pub/Sub push. Set-up, untimed: users
 * sign in through the exchange, and a first run with no latency puts each on the changes feed;
 * before a timed round every user gets a photo and an expired access token (an hour has passed)
 * and becomes due. The first such hour is timed but not counted (the emulators' warm-up, below);
 * the measured round is the second.
 *
 * Compared in the same run with the concurrency bound (users x Google calls per user x 50 ms /
 * WORKER_CONCURRENCY) and with a naive sequential loop timed on other users and extrapolated.
 * In the next timed round a tenth of the users get a rotated refresh token from Google; the one
 * after finds nothing new (an idle hour). These two give the per-user figures of the capacity model
 * (`capacity`, see bench/capacity/figures.ts), with what the sign-ins of the set-up cost. A last
 * round restarts the worker with Node's and glibc's defaults (no deploy settings), to show what
 * the settings do to memory. With `--cpu-prof=DIR` the measured round is CPU-profiled.
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
  /** The worker as deployed (deploy.sh's runtime settings): the headline figures. */
  deployed: RoundResult & { env: Readonly<Record<string, string>> };
  /** The same worker with Node's and glibc's defaults, for memory. */
  nodeDefaults: RoundResult;
  naive: { users: number; secondsPerUser: number; extrapolatedS: number; googleCallsPerUser: number };
  speedupOverNaive: number;
  firestore: { workerReadsPerUser: number; workerWritesPerUser: number; dispatcherReadsPerUser: number; dispatcherWritesPerUser: number };
  /** CPU this bench process (the sandbox Google, answering every call) used per user. */
  sandboxCpuMsPerUser: number;
  /** CPU the enhancement of the round's photo costs alone (enhancement-cpu.ts), per photo; and the worker's CPU per user-run besides it. */
  enhancement: { cpuMsPerPhoto: number; workerCpuMsPerUserBesides: number };
  outcomes: { done: number; failed: number; skipped: number; messages: number };
  /** Per-user figures for `npm run capacity`. */
  capacity: CapacityFigures;
}

const LATENCY_MS = 50;

export async function runOfflineWork(context: BenchContext): Promise<SuiteReport<OfflineWorkResult>> {
  const { sandbox } = context;
  const machine = describeMachine();
  const users = context.quick ? 300 : 2_000;
  const runtimeEnv = workerRuntimeEnv();
  const stack = await startOfflineStack(sandbox, { workerEnv: runtimeEnv, cpuProfileDir: context.cpuProfileDir });
  const db = new Firestore({ projectId: stack.projectId });
  try {
    const subs = Array.from({ length: users }, (_, i) => `offline-${i}`);
    const signIn = await measuredSignIns(context, stack, subs);
    context.log(`${users} users signed in; a first run (no photos, no latency) puts them on the changes feed`);
    stack.batches.reset();
    await stack.dispatch();
    await stack.batches.waitForUsers(users, 180_000);
    const naive = await timeNaiveLoop(context, stack, db, context.quick ? 10 : 40);
    const enhancementMs = await enhancementCpuMsPerPhoto(await roundPhoto('photo-1.jpg'));
    context.log(`enhancing the round's photo alone: ${round(enhancementMs)} ms CPU per photo`);
    context.log(`naive loop: ${round(naive.secondsPerUser * 1000)} ms and ${naive.googleCallsPerUser} Google calls per user`);

    // One hour with a photo before the measured ones, not counted: the emulators (JVMs) compile
    // the paths a photo run takes in Firestore the first time they serve them, and on this 2-core
    // machine that CPU is the worker's. Measured 2026-12-04 (deploy settings, the same code): the
    // emulators used 8.75 s of CPU in the first photo hour against 4.67 and 4.53 s in later ones,
    // and that hour took 25.2 s against 21.4 and 21.9. Google's Firestore does not share the
    // worker's cores, so the steady hour is the one that says what the worker costs.
    await nextHour(context, db, subs, 'photo-0.jpg');
    const warmUp = await measuredRound(context, stack, subs);
    context.log(`a first photo hour, not counted (the emulators warm up): ${users} users in ${round(warmUp.wallS)} s`);
    checkEveryPhotoEnhancedOnce(context, subs);

    await nextHour(context, db, subs, 'photo-1.jpg');
    const deployed = await stack.profileWorker(() => measuredRound(context, stack, subs));
    context.log(`deploy settings: ${users} users in ${round(deployed.wallS)} s`);
    checkEveryPhotoEnhancedOnce(context, subs);

    const photo = await nextHour(context, db, subs, 'photo-2.jpg');
    const rotated = subs.filter((_, i) => i % 10 === 0);
    for (const sub of rotated) sandbox.admin.rotateRefreshTokenOnNextRefresh(sub);
    const uploadedBefore = resultBytes(context, subs);
    const rotation = await measuredRound(context, stack, subs);
    context.log(`a tenth of the refresh tokens rotated: ${users} users in ${round(rotation.wallS)} s`);
    checkEveryPhotoEnhancedOnce(context, subs);
    const photoRound = roundInput(rotation, users, photo.length * (rotation.googleByKind['files.get media'] ?? 0), resultBytes(context, subs) - uploadedBefore);

    await nextHour(context, db, subs, undefined);
    const idle = await measuredRound(context, stack, subs);
    context.log(`an idle hour (nothing new): ${users} users in ${round(idle.wallS)} s`);
    checkEveryPhotoEnhancedOnce(context, subs);
    const stored = (await db.collection('users').doc(subs[0]!).get()).data() ?? {};

    await stack.restartWorker();
    await nextHour(context, db, subs, 'photo-3.jpg');
    const nodeDefaults = await measuredRound(context, stack, subs);
    context.log(`Node's defaults: ${users} users in ${round(nodeDefaults.wallS)} s`);
    checkEveryPhotoEnhancedOnce(context, subs);
    const capacity = capacityFigures({
      measuredAt: new Date(),
      machine: `${machine.cpuModel}, ${machine.cpus} vCPU, ${machine.memoryGiB} GiB, Node ${machine.node.replace(/^v/, '')}`,
      loadAverage: { start: machine.loadAverage, end: currentLoad() },
      quick: context.quick,
      googleLatencyMs: LATENCY_MS,
      batchSize: Number(stack.env.DISPATCH_BATCH_SIZE ?? 50),
      workerRuntimeEnv: runtimeEnv,
      peakRssMiB: { proposed: Math.max(deployed.peakRssMiB, rotation.peakRssMiB, idle.peakRssMiB), defaults: nodeDefaults.peakRssMiB, dispatcher: peakRssMiB(stack.dispatcher.proc.child.pid ?? -1) ?? Number.NaN },
      photo: photoRound,
      idle: roundInput(idle, users, 0, 0),
      rotationShare: rotated.length / users,
      signIn,
      document: stored,
    });
    return report({ ...summarise(users, { stats: deployed, env: runtimeEnv }, nodeDefaults, naive, enhancementMs), capacity });
  } finally {
    sandbox.admin.setFaults({});
    sandbox.drive.setDefaultFaults({});
    await stack.stop();
    await db.terminate();
  }
}

/** The photo a round puts in each user's Drive under `name`: small, as in the offline tests (this bench is about orchestration). */
function roundPhoto(name: string): Promise<Buffer> {
  return testPhoto(64, 48, { seed: name.length });
}

/**
 * An hour later: one new photo per user (none when `name` is undefined), access tokens expired,
 * users due (unless told not), Google at 50 ms. Returns the photo put in each user's Drive.
 */
async function nextHour(context: BenchContext, db: Firestore, subs: readonly string[], name: string | undefined, due = true): Promise<Buffer> {
  context.sandbox.admin.setFaults({});
  context.sandbox.drive.setDefaultFaults({});
  const photo = name === undefined ? Buffer.alloc(0) : await roundPhoto(name);
  if (name !== undefined) for (const sub of subs) context.sandbox.drive.putFile(sub, { name, mimeType: 'image/jpeg', content: photo });
  await updateUsers(db, subs, { nextRunAt: Timestamp.fromMillis(due ? 0 : Date.now() + 86_400_000), accessTokenExpiresAt: Timestamp.fromMillis(0) });
  context.sandbox.admin.setFaults({ tokenEndpoint: { latencyMs: LATENCY_MS } });
  context.sandbox.drive.setDefaultFaults({ latencyMs: LATENCY_MS });
  return photo;
}

/** The users' sign-ins through the exchange, with what they cost it (Firestore, Google, CPU, log lines). */
async function measuredSignIns(context: BenchContext, stack: OfflineStack, subs: readonly string[]): Promise<SignInInput> {
  const pid = stack.exchange.proc.child.pid ?? -1;
  const before = {
    ops: await stack.exchangeOps.read(),
    cpu: processCpuSeconds(pid) ?? Number.NaN,
    codes: context.sandbox.admin.stats().codeExchanges,
    output: stack.output.of('exchangeAuthCode'),
  };
  await signInUsers(context.sandbox, stack.exchange.url, subs);
  const output = stack.output.of('exchangeAuthCode');
  return {
    users: subs.length,
    ops: opCountsBetween(before.ops, await stack.exchangeOps.read()),
    codeExchanges: context.sandbox.admin.stats().codeExchanges - before.codes,
    cpuS: (processCpuSeconds(pid) ?? Number.NaN) - before.cpu,
    output: { lines: output.lines - before.output.lines, bytes: output.bytes - before.output.bytes },
  };
}

function roundInput(stats: RoundStats, users: number, driveDownloadBytes: number, driveUploadBytes: number): RoundInput {
  return { stats, users, concurrency: loadWorkerConfig(workerRuntimeEnv()).concurrency, driveDownloadBytes, driveUploadBytes };
}

/** Bytes of every enhanced result in these users' Drives. */
function resultBytes(context: BenchContext, subs: readonly string[]): number {
  return subs.reduce(
    (sum, sub) => sum + context.sandbox.drive.listFiles(sub).filter((f) => f.appProperties?.derivedFrom).reduce((bytes, f) => bytes + f.size, 0),
    0,
  );
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

function summarise(
  users: number,
  deployedRound: { stats: RoundStats; env: Readonly<Record<string, string>> },
  nodeDefaults: RoundStats,
  naive: Awaited<ReturnType<typeof timeNaiveLoop>>,
  enhancementMs: number,
): Omit<OfflineWorkResult, 'capacity'> {
  const headline = deployedRound.stats;
  const concurrency = loadWorkerConfig(deployedRound.env).concurrency;
  const googleCallsPerUser = headline.googleCalls / users;
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
    deployed: { ...roundResult(headline), env: deployedRound.env },
    nodeDefaults: roundResult(nodeDefaults),
    naive: { users: naive.users, secondsPerUser: round(naive.secondsPerUser), extrapolatedS: round(naiveExtrapolatedS), googleCallsPerUser: naive.googleCallsPerUser },
    speedupOverNaive: round(naiveExtrapolatedS / headline.wallS),
    firestore: {
      workerReadsPerUser: round(headline.worker.reads / users),
      workerWritesPerUser: round(headline.worker.writes / users),
      dispatcherReadsPerUser: round(headline.dispatcher.reads / users),
      dispatcherWritesPerUser: round(headline.dispatcher.writes / users),
    },
    sandboxCpuMsPerUser: round((headline.benchCpuS * 1000) / users),
    enhancement: { cpuMsPerPhoto: round(enhancementMs), workerCpuMsPerUserBesides: round((headline.workerCpuS * 1000) / users - enhancementMs) },
    outcomes: { done: headline.totals.done, failed: headline.totals.failed, skipped: headline.totals.skipped, messages: headline.totals.messages },
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
      atMost('offline work: worker CPU per user-run', result.deployed.workerCpuMsPerUser, 5, ' ms'),
      atMost('offline work: wall time / concurrency bound', result.deployed.ratioToBound, 1.25, 'x'),
      atLeast('offline work: speed-up over the naive loop', result.speedupOverNaive, 30, 'x'),
      atMost('offline work: Firestore reads + writes per user per run (worker)', round(f.workerReadsPerUser + f.workerWritesPerUser), 4),
      below('offline work: worker peak RSS (deploy settings, every round)', result.capacity.workerPeakRssMiB, 256, ' MiB'),
    ],
    markdown: [
      `### Offline work (${result.users} users, one new photo each, Google at ${result.latencyMs} ms per call, one worker process)`,
      `Google calls per user ${result.googleCallsPerUser}; WORKER_CONCURRENCY ${result.concurrency}; concurrency bound ${result.boundS} s; ` +
        `naive loop ${result.naive.extrapolatedS} s (${result.naive.users} users timed one after another, ${result.naive.secondsPerUser} s and ${result.naive.googleCallsPerUser} Google calls each, extrapolated); ` +
        `speed-up over it ${result.speedupOverNaive}x.`,
      markdownTable(
        ['worker', 'wall s', 'users/s', 'wall / bound', 'worker CPU ms/user', 'worker CPU (of a core)', 'worker JS thread busy', 'machine cores busy', 'peak RSS MiB'],
        [row(`deploy.sh: ${Object.entries(result.deployed.env).map(([k, v]) => `${k}=${v}`).join(' ')}`, result.deployed), row("Node's defaults (later round)", result.nodeDefaults)],
      ),
      markdownTable(
        ['Firestore per user per run', 'reads', 'writes'],
        [
          ['worker (lease, result)', f.workerReadsPerUser, f.workerWritesPerUser],
          ['dispatcher (query, claim)', f.dispatcherReadsPerUser, f.dispatcherWritesPerUser],
        ],
      ),
      `Sandbox Google (in the bench process) used ${result.sandboxCpuMsPerUser} ms CPU per user. ` +
        `Enhancing the round's photo alone (enhancePhoto, the worker's sharp settings) costs ${result.enhancement.cpuMsPerPhoto} ms CPU per photo; ` +
        `the worker's CPU per user-run besides it: ${result.enhancement.workerCpuMsPerUserBesides} ms. ` +
        `Outcomes: ${result.outcomes.done} done, ${result.outcomes.failed} failed, ${result.outcomes.skipped} skipped, in ${result.outcomes.messages} messages.`,
      capacityTable(result.capacity),
    ].join('\n\n'),
  };
}

/** The per-run figures `npm run capacity` scales up (deploy settings). */
function capacityTable(figures: CapacityFigures): string {
  const row = (label: string, run: CapacityFigures['runs']['photo']) => {
    const w = run.firestore.writes;
    const r = run.firestore.reads;
    return [
      label,
      `${r.dispatcherQuery} + ${r.workerLease}`,
      `${w.dispatcherClaim} + ${w.workerLease} + ${w.workerFinish} + ${w.tokenRotation}`,
      Object.entries(run.google).map(([kind, n]) => `${kind} ${n}`).join(', '),
      run.worker.cpuMs,
      run.worker.laneMs,
      `${run.bytes.driveDownload} / ${run.bytes.driveUpload}`,
      `${run.logs.lines} / ${run.logs.bytes}`,
    ];
  };
  return [
    `Per-user figures for \`npm run capacity\` (a tenth of the photo round's users had their refresh token rotated; sign-in: ` +
      `${figures.signIn.firestore.reads} reads, ${figures.signIn.firestore.writes} writes, ${figures.signIn.cpuMs} ms CPU):`,
    markdownTable(
      ['run', 'reads (query + lease)', 'writes (claim + lease + finish + rotation)', 'Google calls', 'worker CPU ms', 'lane ms', 'Drive bytes down / up', 'log lines / bytes'],
      [row('one new photo', figures.runs.photo), row('nothing new', figures.runs.idle)],
    ),
  ].join('\n\n');
}
