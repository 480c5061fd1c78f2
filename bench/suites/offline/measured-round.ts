import type { FirestoreOpCounts } from '../../instrument/firestore-op-counter';
import type { BatchTotals } from '../../lib/batch-log';
import type { BenchContext } from '../../lib/bench-context';
import { peakRssMiB } from '../../lib/peak-rss';
import { utilisationBetween } from '../../lib/event-loop';
import { machineBusySeconds, ownCpuSeconds, processCpuSeconds } from '../../lib/process-cpu';
import type { OfflineStack } from './offline-stack';

export interface RoundStats {
  wallS: number;
  googleCalls: number;
  worker: FirestoreOpCounts;
  dispatcher: FirestoreOpCounts;
  workerCpuS: number;
  benchCpuS: number;
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

/**
 * One timed round: a scheduler tick, then wait until the worker has handled every due user.
 * Wall time runs from the tick to the last user's outcome; the counters are differences over it.
 */
export async function measuredRound(context: BenchContext, stack: OfflineStack, subs: readonly string[]): Promise<RoundStats> {
  const pid = stack.worker().proc.child.pid ?? -1;
  const loop = stack.workerLoop();
  const loopBefore = loop ? await loop.read() : undefined;
  const before = {
    google: googleCalls(context, subs),
    worker: await stack.workerOps().read(),
    dispatcher: await stack.dispatcherOps.read(),
    workerCpu: processCpuSeconds(pid) ?? Number.NaN,
    benchCpu: ownCpuSeconds(),
    machineBusy: machineBusySeconds() ?? Number.NaN,
  };
  stack.batches.reset();
  const started = performance.now();
  await stack.dispatch();
  const totals = await stack.batches.waitForUsers(subs.length, 240_000);
  const wallS = (performance.now() - started) / 1000;
  const workerCpuS = (processCpuSeconds(pid) ?? Number.NaN) - before.workerCpu;
  const benchCpuS = ownCpuSeconds() - before.benchCpu;
  const machineBusyS = (machineBusySeconds() ?? Number.NaN) - before.machineBusy;
  const peak = peakRssMiB(pid) ?? Number.NaN;
  const loopAfter = loop ? await loop.read() : undefined;
  const worker = await stack.workerOps().read();
  const dispatcher = await stack.dispatcherOps.read();
  return {
    wallS,
    googleCalls: googleCalls(context, subs) - before.google,
    worker: { reads: worker.reads - before.worker.reads, writes: worker.writes - before.worker.writes, rpcs: worker.rpcs },
    dispatcher: { reads: dispatcher.reads - before.dispatcher.reads, writes: dispatcher.writes - before.dispatcher.writes, rpcs: dispatcher.rpcs },
    workerCpuS,
    benchCpuS,
    machineBusyS,
    workerEventLoopBusy: loopBefore && loopAfter ? utilisationBetween(loopBefore, loopAfter) : Number.NaN,
    peakRssMiB: peak,
    totals,
  };
}
