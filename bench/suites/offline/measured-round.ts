import type { FirestoreOpCounts } from '../../instrument/firestore-op-counter';
import type { BatchTotals } from '../../lib/batch-log';
import type { BenchContext } from '../../lib/bench-context';
import { opCountsBetween } from '../../lib/op-counts';
import type { OutputTotals } from '../../lib/output-meter';
import { peakRssMiB } from '../../lib/peak-rss';
import { utilisationBetween } from '../../lib/event-loop';
import { machineBusySeconds, ownCpuSeconds, processCpuSeconds } from '../../lib/process-cpu';
import type { OfflineStack } from './offline-stack';

export interface RoundStats {
  wallS: number;
  googleCalls: number;
  /** The same by kind: `token refresh`, Drive methods (`files.get` without content, `files.get media`). */
  googleByKind: Record<string, number>;
  worker: FirestoreOpCounts;
  dispatcher: FirestoreOpCounts;
  workerCpuS: number;
  dispatcherCpuS: number;
  benchCpuS: number;
  /** What the worker and the dispatcher wrote to their output over the round (log entries). */
  output: { worker: OutputTotals; dispatcher: OutputTotals };
  /** Busy CPU seconds of the whole machine over the round (our processes, the emulators, anything else). */
  machineBusyS: number;
  /** Share of the round the worker's JavaScript thread was running code (0..1). */
  workerEventLoopBusy: number;
  peakRssMiB: number;
  totals: BatchTotals;
}

/** Every Google call the sandbox saw for these users so far: token refreshes plus Drive calls. */
export function googleCalls(context: BenchContext, subs: readonly string[]): number {
  const drive = context.sandbox.drive.allStats();
  const driveCalls = subs.reduce((sum, sub) => sum + (drive[sub]?.totalCalls ?? 0), 0);
  return driveCalls + (context.sandbox.admin.stats().tokenRequestsByGrantType.refresh_token ?? 0);
}

/** Google calls so far by kind; Drive downloads (`alt=media`) are split from metadata reads. */
export function googleCallsByKind(context: BenchContext, subs: readonly string[]): Record<string, number> {
  const drive = context.sandbox.drive.allStats();
  const kinds: Record<string, number> = { 'token refresh': context.sandbox.admin.stats().tokenRequestsByGrantType.refresh_token ?? 0 };
  const add = (kind: string, n: number): void => {
    kinds[kind] = (kinds[kind] ?? 0) + n;
  };
  for (const sub of subs) {
    const stats = drive[sub];
    if (!stats) continue;
    for (const [method, n] of Object.entries(stats.calls)) add(method, n);
    add('files.get', -stats.downloads);
    add('files.get media', stats.downloads);
  }
  return kinds;
}

function callsBetween(before: Record<string, number>, after: Record<string, number>): Record<string, number> {
  return Object.fromEntries(Object.entries(after).map(([kind, n]) => [kind, n - (before[kind] ?? 0)]).filter(([, n]) => n !== 0));
}

function outputBetween(before: OutputTotals, after: OutputTotals): OutputTotals {
  return { lines: after.lines - before.lines, bytes: after.bytes - before.bytes };
}

/**
 * One timed round: a scheduler tick, then wait until the worker has handled every due user.
 * Wall time runs from the tick to the last user's outcome; the counters are differences over it.
 */
export async function measuredRound(context: BenchContext, stack: OfflineStack, subs: readonly string[]): Promise<RoundStats> {
  const pid = stack.worker().proc.child.pid ?? -1;
  const dispatcherPid = stack.dispatcher.proc.child.pid ?? -1;
  const loop = stack.workerLoop();
  const loopBefore = loop ? await loop.read() : undefined;
  const before = {
    google: googleCalls(context, subs),
    googleByKind: googleCallsByKind(context, subs),
    worker: await stack.workerOps().read(),
    dispatcher: await stack.dispatcherOps.read(),
    workerCpu: processCpuSeconds(pid) ?? Number.NaN,
    dispatcherCpu: processCpuSeconds(dispatcherPid) ?? Number.NaN,
    workerOutput: stack.output.of('runOfflineWork'),
    dispatcherOutput: stack.output.of('dispatchOfflineWork'),
    benchCpu: ownCpuSeconds(),
    machineBusy: machineBusySeconds() ?? Number.NaN,
  };
  stack.batches.reset();
  const started = performance.now();
  await stack.dispatch();
  const totals = await stack.batches.waitForUsers(subs.length, 240_000);
  const wallS = (performance.now() - started) / 1000;
  const workerCpuS = (processCpuSeconds(pid) ?? Number.NaN) - before.workerCpu;
  const dispatcherCpuS = (processCpuSeconds(dispatcherPid) ?? Number.NaN) - before.dispatcherCpu;
  const benchCpuS = ownCpuSeconds() - before.benchCpu;
  const machineBusyS = (machineBusySeconds() ?? Number.NaN) - before.machineBusy;
  const peak = peakRssMiB(pid) ?? Number.NaN;
  const loopAfter = loop ? await loop.read() : undefined;
  const worker = await stack.workerOps().read();
  const dispatcher = await stack.dispatcherOps.read();
  return {
    wallS,
    googleCalls: googleCalls(context, subs) - before.google,
    googleByKind: callsBetween(before.googleByKind, googleCallsByKind(context, subs)),
    worker: opCountsBetween(before.worker, worker),
    dispatcher: opCountsBetween(before.dispatcher, dispatcher),
    workerCpuS,
    dispatcherCpuS,
    benchCpuS,
    output: {
      worker: outputBetween(before.workerOutput, stack.output.of('runOfflineWork')),
      dispatcher: outputBetween(before.dispatcherOutput, stack.output.of('dispatchOfflineWork')),
    },
    machineBusyS,
    workerEventLoopBusy: loopBefore && loopAfter ? utilisationBetween(loopBefore, loopAfter) : Number.NaN,
    peakRssMiB: peak,
    totals,
  };
}
