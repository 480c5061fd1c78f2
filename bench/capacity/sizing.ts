import { MODEL } from './assumptions';
import type { FunctionSize } from '../../scripts/lib/deploy-settings';
import type { CapacityFigures, WriteKind } from './figures';
import type { WriteIndexEffect } from './firestore-indexes';
import { type HotRange, hotRanges, type KindRates } from './hot-ranges';
import type { AverageRun } from './workload';

/** How many users, how often, and how often Cloud Scheduler ticks (once a minute at the finest). */
export interface Scale {
  users: number;
  intervalSeconds: number;
  tickSeconds: number;
}

export interface Load {
  runsPerSecond: number;
  /** Users who fall due between two ticks: one tick claims them all. */
  usersPerTick: number;
  signInsPerSecond: number;
}

export function loadOf(scale: Scale): Load {
  const runsPerSecond = scale.users / scale.intervalSeconds;
  return {
    runsPerSecond,
    usersPerTick: Math.min(scale.users, runsPerSecond * scale.tickSeconds),
    signInsPerSecond: (scale.users * MODEL.signInsPerUserMonth * MODEL.signInPeakFactor) / MODEL.secondsPerMonth,
  };
}

export interface WorkerSizing {
  /** WORKER_CONCURRENCY: lanes per instance. */
  lanes: number;
  /** Runs per second one instance sustains, and what bounds it. */
  usersPerSecondPerInstance: number;
  lanesBound: number;
  cpuBound: number;
  limitedBy: 'lanes' | 'CPU';
  /** Lanes that would make the CPU the bound (a multiple of 8): more lanes add memory, not speed. */
  lanesToUseCpu: number;
  /** Runs per second the fleet must sustain at peak, and the instances that takes. */
  fleetUsersPerSecond: number;
  instances: number;
  maxInstancesToSet: number;
  /** A full message's users, sharing the instance's lanes with the other messages it takes at once. */
  messageSeconds: number;
  /** Peak RSS measured in the bench, scaled to these lanes (as if all of it grew with them). */
  peakRssMiB: number;
}

export function sizeWorkers(load: Load, run: AverageRun, figures: CapacityFigures, size: FunctionSize, lanes: number): WorkerSizing {
  const lanesBound = lanes / (run.laneMs / 1000);
  const cpuBound = (MODEL.cpuTarget * size.vcpu) / (run.workerCpuMs / 1000);
  const perInstance = Math.min(lanesBound, cpuBound);
  const fleetUsersPerSecond = load.runsPerSecond * MODEL.fleetHeadroom;
  const instances = Math.max(1, Math.ceil(fleetUsersPerSecond / perInstance));
  const lanesPerMessage = lanes / size.concurrency;
  return {
    lanes,
    usersPerSecondPerInstance: perInstance,
    lanesBound,
    cpuBound,
    limitedBy: lanesBound < cpuBound ? 'lanes' : 'CPU',
    lanesToUseCpu: Math.ceil((cpuBound * (run.laneMs / 1000)) / 8) * 8,
    fleetUsersPerSecond,
    instances,
    maxInstancesToSet: Math.ceil(instances * MODEL.maxInstancesMargin),
    messageSeconds: (Math.ceil(figures.dispatchBatchSize / Math.min(lanesPerMessage, figures.dispatchBatchSize)) * run.laneMs) / 1000,
    peakRssMiB: (figures.workerPeakRssMiB * lanes) / figures.workerConcurrency,
  };
}

export interface DispatchOptions {
  /** Fixed by the caller (--shards, --shard-rate); recommended otherwise. */
  shards: number | undefined;
  shardRate: number | undefined;
}

export interface DispatchSizing {
  shards: number;
  /** DISPATCH_SHARD_RATE: claims per second per shard. */
  shardRate: number;
  /** Whether the recommendation met its target (per-range writes and claim window); false also when fixed settings miss it. */
  onTarget: boolean;
  /** Peak write rates by kind at these settings. */
  rates: KindRates;
  /** Seconds one shard takes to claim its users of a tick. */
  shardRunSeconds: number;
  /** Claims per second the shards can make together: below the due rate, the backlog only grows. */
  claimCapacityPerSecond: number;
  /** The hottest sequential range under the layout the recommendation is sized for. */
  hottest: HotRange | undefined;
  /** Dispatcher instances at the tick's peak: shard runs per instance, and CPU per claim. */
  instances: number;
}

/**
 * Shards and the per-shard claim rate. Every run moves `nextRunAt` three times (claim, lease,
 * finish): a shard's range takes its claims at up to DISPATCH_SHARD_RATE while the tick lasts,
 * plus its part of the fleet's leases and finishes. The smallest shard count from DUE_SHARDS'
 * default up whose hottest range stays under the target, at the highest rate (up to the default)
 * that does, with each shard claiming its users of a tick within the claim window.
 */
export function sizeDispatch(
  load: Load,
  fleetUsersPerSecond: number,
  effects: Readonly<Record<WriteKind, WriteIndexEffect>>,
  run: AverageRun,
  rangeLimit: number,
  dispatcher: FunctionSize,
  options: DispatchOptions,
): DispatchSizing {
  const target = rangeLimit * MODEL.shardTargetShare;
  const rotationsPerRun = run.firestoreWrites.tokenRotation;
  const rates = (shards: number, rate: number): KindRates => {
    const claims = Math.min(shards * rate, load.usersPerTick);
    const runs = Math.min(claims, fleetUsersPerSecond);
    return { dispatcherClaim: claims, workerLease: runs, workerFinish: runs, tokenRotation: runs * rotationsPerRun, exchange: load.signInsPerSecond };
  };
  const hottest = (shards: number, rate: number) => hotRanges(effects, rates(shards, rate), shards)[0]?.writesPerSecond ?? 0;
  const slowestRate = (shards: number) => Math.max(1, Math.ceil(load.usersPerTick / (shards * MODEL.claimWindowSeconds)));
  /** The highest rate up to `cap` that keeps the hottest range under the target (0 if none). */
  const fastestRate = (shards: number, cap: number) => {
    let low = 0;
    let high = cap;
    while (low < high) {
      const mid = Math.ceil((low + high) / 2);
      if (hottest(shards, mid) <= target) low = mid;
      else high = mid - 1;
    }
    return low;
  };
  const cap = options.shardRate ?? MODEL.defaultShardRate;
  const candidates = options.shards !== undefined ? [options.shards] : range(MODEL.minShards, MODEL.maxShards);
  let chosen: { shards: number; rate: number; onTarget: boolean } | undefined;
  for (const shards of candidates) {
    const fastest = options.shardRate ?? roundDown(fastestRate(shards, cap));
    const onTarget = fastest >= slowestRate(shards) && hottest(shards, fastest) <= target;
    if (onTarget || shards === candidates.at(-1)) {
      chosen = { shards, rate: onTarget ? fastest : Math.max(fastest, slowestRate(shards)), onTarget };
      break;
    }
  }
  const { shards, rate, onTarget } = chosen!;
  const peak = rates(shards, rate);
  return {
    shards,
    shardRate: rate,
    onTarget,
    rates: peak,
    shardRunSeconds: load.usersPerTick / shards / rate,
    claimCapacityPerSecond: shards * rate,
    hottest: hotRanges(effects, peak, shards)[0],
    instances: Math.max(
      Math.ceil(shards / dispatcher.concurrency),
      Math.ceil((peak.dispatcherClaim * run.dispatcherCpuMs) / 1000 / (MODEL.cpuTarget * dispatcher.vcpu)),
    ),
  };
}

/** Rates are recommended in tens above a hundred (a setting, not a measurement). */
function roundDown(rate: number): number {
  return rate >= 100 ? Math.floor(rate / 10) * 10 : rate;
}

function range(from: number, to: number): number[] {
  return Array.from({ length: to - from + 1 }, (_, i) => from + i);
}
