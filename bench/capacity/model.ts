import { MODEL } from './assumptions';
import { against, failsModel, headroom, requirement, type ResourceCheck } from './checks';
import { type CostLine, type MonthlyUsage, monthlyCosts } from './costs';
import { type FunctionSize, functionSize, type ShardRunBounds } from '../../scripts/lib/deploy-settings';
import { type LoadedFigures, WRITE_KINDS, type WriteKind } from './figures';
import {
  type IndexLayout,
  knownFields,
  recommendedLayout,
  singleFieldEntries,
  type WriteIndexEffect,
  withoutExemptions,
  writeIndexEffect,
} from './firestore-indexes';
import { type HotRange, hotRanges } from './hot-ranges';
import type { PlatformLimits } from './limits';
import { type DispatchSizing, type Load, loadOf, type Scale, sizeDispatch, sizeWorkers, type WorkerSizing } from './sizing';
import { type AverageRun, averageRun } from './workload';

export interface ModelOptions {
  /** Fixed shards / DISPATCH_SHARD_RATE; recommended when undefined. */
  shards: number | undefined;
  shardRate: number | undefined;
  /** Share of runs that find a new photo (the rest find nothing new). */
  photoShare: number;
  /** Latency of each Google call; the bench's when undefined. */
  googleLatencyMs: number | undefined;
  /** WORKER_CONCURRENCY; the bench's when undefined. */
  workerConcurrency: number | undefined;
}

export interface ModelInput {
  scale: Scale;
  figures: LoadedFigures;
  limits: PlatformLimits;
  /** Function sizes as deployed (infra/lib/functions-table.sh). */
  sizes: ReadonlyMap<string, FunctionSize>;
  /** The dispatch subscription's ack deadline and the shard run's budget as deployed. */
  shardRun: ShardRunBounds;
  /** Index layout as deployed (infra/firestore.indexes.json). */
  deployedLayout: IndexLayout;
  options: ModelOptions;
}

export interface LayoutReport {
  name: string;
  /** Index entries one write of each kind moves. */
  entries: Record<WriteKind, number>;
  /** Index entries of one stored user document. */
  documentEntries: number;
  /** The hottest sequential range at the recommended settings. */
  hottest: HotRange | undefined;
}

export interface FirstLimit {
  check: ResourceCheck;
  /** Users at which the peak meets the limit (the checks grow in proportion to users). */
  users: number;
}

export interface CapacityReport {
  scale: Scale;
  load: Load;
  run: AverageRun;
  worker: WorkerSizing;
  dispatch: DispatchSizing;
  /** Recommended, as deployed, and with no exemptions at all. */
  layouts: { recommended: LayoutReport; deployed: LayoutReport; none: LayoutReport };
  /** Every resource at the recommended settings. */
  checks: ResourceCheck[];
  /** Minutes of the 500/50/5 ramp from 500 ops/s to the peak (a new database, or after a quiet day). */
  rampMinutes: number;
  /** The sequential-range check again, under the deployed index layout. */
  deployedIndexCheck: ResourceCheck;
  /** The first quota (raisable) and the first billing threshold growth reaches, and at about how many users. */
  firstLimit: { quota: FirstLimit | undefined; billing: FirstLimit | undefined };
  usage: MonthlyUsage;
  costs: CostLine[];
  monthlyUsd: number;
  /** Hard limits exceeded at the recommended settings: the model exits non-zero. */
  failures: ResourceCheck[];
}

export function capacityModel(input: ModelInput): CapacityReport {
  const { scale, limits, sizes } = input;
  const figures = input.figures.figures;
  const run = averageRun(figures, limits, input.options);
  const load = loadOf(scale);
  const workerSize = functionSize(sizes, 'runOfflineWork');
  const dispatcherSize = functionSize(sizes, 'dispatchOfflineWork');
  const worker = sizeWorkers(load, run, figures, workerSize, input.options.workerConcurrency ?? figures.workerConcurrency);
  const known = knownFields(figures.writeShapes, figures.document);
  const effectsOf = (layout: IndexLayout) =>
    Object.fromEntries(WRITE_KINDS.map((kind) => [kind, writeIndexEffect(layout, figures.writeShapes[kind], figures.document, known)])) as Record<
      WriteKind,
      WriteIndexEffect
    >;
  const layouts = { recommended: recommendedLayout(), deployed: input.deployedLayout, none: withoutExemptions(input.deployedLayout) };
  const effects = { recommended: effectsOf(layouts.recommended), deployed: effectsOf(layouts.deployed), none: effectsOf(layouts.none) };
  const sequentialLimit = limits.limits.firestoreSequentialIndexWrites.value;
  const dispatch = sizeDispatch(load, worker.fleetUsersPerSecond, effects.recommended, run, sequentialLimit, dispatcherSize, input.options);
  const layoutReport = (key: keyof typeof layouts): LayoutReport => ({
    name: layouts[key].name,
    entries: Object.fromEntries(WRITE_KINDS.map((kind) => [kind, effects[key][kind].entries])) as Record<WriteKind, number>,
    documentEntries: documentEntries(layouts[key], figures.document),
    hottest: hotRanges(effects[key], dispatch.rates, dispatch.shards)[0],
  });
  const reports = { recommended: layoutReport('recommended'), deployed: layoutReport('deployed'), none: layoutReport('none') };
  const checks = resourceChecks({ limits, load, run, worker, dispatch, workerSize, dispatcherSize, shardRun: input.shardRun, figures: input.figures, layout: reports.recommended });
  const deployedIndexCheck = sequentialCheck(limits, reports.deployed);
  const usage = monthlyUsage({
    limits,
    load,
    run,
    worker,
    dispatch,
    workerSize,
    dispatcherSize,
    shardRun: input.shardRun,
    figures: input.figures,
    layout: reports.recommended,
    scale,
    exchangeSize: sizes.get('exchangeAuthCode'),
  });
  const costs = monthlyCosts(usage, limits);
  return {
    scale,
    load,
    run,
    worker,
    dispatch,
    layouts: reports,
    checks,
    rampMinutes: rampMinutes(limits, firestorePeakOps(dispatch)),
    deployedIndexCheck,
    firstLimit: firstLimit(checks, scale.users),
    usage,
    costs,
    monthlyUsd: costs.reduce((sum, line) => sum + line.usd, 0),
    failures: checks.filter(failsModel),
  };
}

function documentEntries(layout: IndexLayout, document: Readonly<Record<string, string>>): number {
  const single = Object.entries(document).reduce((sum, [path, type]) => sum + singleFieldEntries(layout, path, type), 0);
  return single + layout.composites.filter((fields) => fields.every((field) => field === 'shard' || Object.hasOwn(document, field))).length;
}

function sequentialCheck(limits: PlatformLimits, layout: LayoutReport): ResourceCheck {
  const hottest = layout.hottest;
  return against(limits, 'firestoreSequentialIndexWrites', 'Firestore', `sequential index range, ${layout.name}: ${hottest?.id ?? 'none'}${hottest?.sharded ? ' (one shard)' : ''}`, hottest?.writesPerSecond ?? 0, {
    unit: 'writes/s',
  });
}

interface Context {
  limits: PlatformLimits;
  load: Load;
  run: AverageRun;
  worker: WorkerSizing;
  dispatch: DispatchSizing;
  workerSize: FunctionSize;
  dispatcherSize: FunctionSize;
  shardRun: ShardRunBounds;
  figures: LoadedFigures;
  layout: LayoutReport;
}

/** Peak Firestore operations per second: the claim query's reads and claims, lease reads and writes, finishes. */
function firestorePeakOps(dispatch: DispatchSizing): number {
  const r = dispatch.rates;
  return 2 * r.dispatcherClaim + 2 * r.workerLease + r.workerFinish + r.tokenRotation + r.exchange;
}

function rampMinutes(limits: PlatformLimits, peakOps: number): number {
  const ramp = limits.limits.firestoreRamp;
  return peakOps <= ramp.value ? 0 : ramp.everyMinutes! * Math.ceil(Math.log(peakOps / ramp.value) / Math.log(ramp.growth!));
}

/** Seconds a worker keeps back from its timeout to record results (worker-handler.ts). */
function finishingMarginSeconds(timeoutSeconds: number): number {
  return Math.min(60, Math.ceil(timeoutSeconds / 4));
}

function resourceChecks(c: Context): ResourceCheck[] {
  const { limits, load, run, worker, dispatch, workerSize, dispatcherSize, shardRun } = c;
  const figures = c.figures.figures;
  const messageBytes = figures.workMessage.bytes + MODEL.messageOverheadBytes;
  const peakOps = firestorePeakOps(dispatch);
  const ramp = rampMinutes(limits, peakOps);
  const runsPerMinute = worker.fleetUsersPerSecond * 60;
  const instancesReadingSecrets = worker.instances + 1; // the worker fleet and an exchange instance
  const secretAccessesPerMinute =
    instancesReadingSecrets * (60 / MODEL.tokenKeyCacheSeconds + 60 / MODEL.tokenKeyVersionCacheSeconds + (2 * MODEL.instanceStartsPerHour) / 60);
  const workerTimeout = workerSize.timeoutSeconds - finishingMarginSeconds(workerSize.timeoutSeconds);
  return [
    sequentialCheck(limits, c.layout),
    against(limits, 'firestoreRamp', 'Firestore', '500/50/5 ramp to the peak operation rate', peakOps, {
      unit: 'ops/s',
      note: ramp > 0 ? `ramp from 500 ops/s for ${ramp} min (new database, or after a quiet day)` : undefined,
    }),
    against(limits, 'firestoreIndexEntriesPerDocument', 'Firestore', 'index entries of one user document', c.layout.documentEntries),
    against(limits, 'pubsubPublishThroughput', 'Pub/Sub', 'work messages published during the claim burst', (dispatch.rates.dispatcherClaim / figures.dispatchBatchSize) * messageBytes / 1e6, {
      unit: 'MB/s',
    }),
    against(limits, 'eventarcEventBytes', 'Pub/Sub', 'one work message, as an Eventarc event (Pub/Sub allows 10 MB)', messageBytes, { unit: 'bytes' }),
    against(limits, 'pubsubMessagesPerPublish', 'Pub/Sub', 'messages per publish request (the publisher batches up to 100)', MODEL.messagesPerPublishRequest, { unit: 'messages' }),
    against(limits, 'functionsMaxInstances', 'Cloud Run functions', 'runOfflineWork instances at the peak (with margin)', worker.maxInstancesToSet, {
      unit: 'instances',
      note: `deployed cap ${workerSize.maxInstances}${workerSize.maxInstancesSetting ? ` (${workerSize.maxInstancesSetting} in infra/config.env)` : ''}; ${worker.instances} needed at ${round(worker.usersPerSecondPerInstance)} runs/s each (${worker.limitedBy}-bound)`,
    }),
    against(limits, 'functionsEventTimeout', 'Cloud Run functions', 'one work message on runOfflineWork', worker.messageSeconds, {
      unit: 's',
      limit: workerTimeout,
      note: `deployed timeout ${workerSize.timeoutSeconds} s less the ${finishingMarginSeconds(workerSize.timeoutSeconds)} s kept to record results`,
    }),
    requirement('Cloud Run functions', 'runOfflineWork peak memory', worker.peakRssMiB, workerSize.memoryGiB * 1024, 'MiB', `bench peak RSS with ${Object.entries(figures.workerRuntimeEnv).map(([k, v]) => `${k}="${v}"`).join(' ')}, scaled to ${worker.lanes} lanes`),
    requirement('Cloud Run functions', 'dispatchOfflineWork peak memory', figures.dispatcherPeakRssMiB, dispatcherSize.memoryGiB * 1024, 'MiB', 'bench peak RSS (one dispatch at a time, Node defaults); a shard run holds one page of DISPATCH_PAGE_SIZE users'),
    requirement('Cloud Run functions', 'claims the shards make per second vs users falling due', load.runsPerSecond, dispatch.claimCapacityPerSecond, 'users/s', `${dispatch.shards} shards x DISPATCH_SHARD_RATE ${dispatch.shardRate}`),
    against(limits, 'pubsubPushDeadline', 'Cloud Run functions', 'one shard run of dispatchOfflineWork (a push delivery)', dispatch.shardRunSeconds, {
      unit: 's',
      limit: Math.min(limits.limits.pubsubPushDeadline.value, shardRun.ackDeadlineSeconds, shardRun.budgetSeconds, dispatcherSize.timeoutSeconds),
      note: `DISPATCH_BUDGET_SECONDS (${shardRun.budgetSeconds} s; a longer run is cut there and left to the next tick), inside the deployed ack deadline (${shardRun.ackDeadlineSeconds} s of the push's ${limits.limits.pubsubPushDeadline.value}) and the dispatcher's timeout (${dispatcherSize.timeoutSeconds} s)`,
    }),
    against(limits, 'schedulerAttemptDeadline', 'Cloud Scheduler', 'a tick without DISPATCH_TOPIC (every shard in the tick)', dispatch.shardRunSeconds, {
      unit: 's',
      limit: Math.min(limits.limits.schedulerAttemptDeadline.value, dispatcherSize.timeoutSeconds),
      note: 'with DISPATCH_TOPIC the tick answers at once and each shard is a push delivery (above)',
    }),
    against(limits, 'functionsMaxInstances', 'Cloud Run functions', 'dispatchOfflineWork instances at the tick', dispatch.instances, {
      unit: 'instances',
      note: `${dispatcherSize.concurrency} shard runs per instance; deployed cap ${dispatcherSize.maxInstances}`,
    }),
    against(limits, 'driveUnitsPerMinute', 'Drive API', 'quota units per minute (fleet at its peak rate)', runsPerMinute * run.driveUnits, {
      unit: 'units/min',
      note: `${round(run.driveUnits)} units per run`,
    }),
    against(limits, 'driveUnitsPerMinutePerUser', 'Drive API', 'quota units per minute for one user (one run)', run.driveUnits, { unit: 'units/min' }),
    against(limits, 'driveDailyBillingThreshold', 'Drive API', 'quota units per day', load.runsPerSecond * 86_400 * run.driveUnits, { unit: 'units/day' }),
    against(limits, 'driveEgressPerDay', 'Drive API', 'bytes downloaded from Drive per day', load.runsPerSecond * 86_400 * run.driveDownloadBytes, {
      unit: 'bytes/day',
      note: `the bench's photos are ${round(run.driveDownloadBytes)} bytes; phone photos are thousands of times larger`,
    }),
    against(limits, 'secretManagerAccessesPerMinute', 'Secret Manager', 'secret accesses per minute (cached per instance)', secretAccessesPerMinute, {
      unit: 'accesses/min',
      note: `${instancesReadingSecrets} instances re-read the key every ${MODEL.tokenKeyCacheSeconds} s; read per run it would be ${Math.round(load.runsPerSecond * 60).toLocaleString('en-US')}/min`,
    }),
  ];
}

function monthlyUsage(c: Context & { scale: Scale; exchangeSize: FunctionSize | undefined }): MonthlyUsage {
  const { load, run, worker, dispatch, workerSize, dispatcherSize } = c;
  const figures = c.figures.figures;
  const month = MODEL.secondsPerMonth;
  const runs = load.runsPerSecond * month;
  const ticks = month / c.scale.tickSeconds;
  const signIns = c.scale.users * MODEL.signInsPerUserMonth;
  const sum = (values: Record<string, number>) => Object.values(values).reduce((total, n) => total + n, 0);
  const workerInstanceSeconds = (runs * MODEL.fleetHeadroom) / worker.usersPerSecondPerInstance;
  const dispatcherInstanceSeconds = (ticks * dispatch.shards * dispatch.shardRunSeconds) / dispatcherSize.concurrency;
  const exchangeVcpuSeconds = (signIns * figures.signIn.cpuMs) / 1000 / MODEL.cpuTarget;
  const exchangeGib = c.exchangeSize ? c.exchangeSize.memoryGiB / c.exchangeSize.vcpu : 0.5;
  const workMessages = runs / figures.dispatchBatchSize;
  const messageBytes = figures.workMessage.bytes + MODEL.messageOverheadBytes;
  const requests = workMessages + ticks * (1 + dispatch.shards) + signIns;
  const shardMessageBytes = ticks * (Math.max(1000, dispatch.shards * (MODEL.shardMessageBytes + MODEL.messageOverheadBytes)) + dispatch.shards * 1000);
  const dailyUnits = load.runsPerSecond * 86_400 * run.driveUnits;
  const threshold = c.limits.limits.driveDailyBillingThreshold.value;
  return {
    firestoreReads: runs * sum(run.firestoreReads) + ticks * dispatch.shards + signIns * figures.signIn.firestore.reads,
    firestoreWrites: runs * sum(run.firestoreWrites) + signIns * figures.signIn.firestore.writes,
    firestoreStoredGiB: (c.scale.users * (figures.documentBytes + c.layout.documentEntries * MODEL.indexEntryBytes)) / 2 ** 30,
    runVcpuSeconds: workerInstanceSeconds * workerSize.vcpu + dispatcherInstanceSeconds * dispatcherSize.vcpu + exchangeVcpuSeconds,
    runGibSeconds: workerInstanceSeconds * workerSize.memoryGiB + dispatcherInstanceSeconds * dispatcherSize.memoryGiB + exchangeVcpuSeconds * exchangeGib,
    runRequests: requests,
    pubsubBytes: workMessages * messageBytes + workMessages * Math.max(1000, messageBytes) + shardMessageBytes,
    schedulerJobs: 1,
    secretAccesses: (worker.instances + 1) * (month / MODEL.tokenKeyCacheSeconds + month / MODEL.tokenKeyVersionCacheSeconds + (2 * MODEL.instanceStartsPerHour * month) / 3600),
    secretVersions: 2,
    logBytes:
      runs * (run.logBytes + run.logLines * MODEL.logEntryOverheadBytes) +
      signIns * (figures.signIn.logs.bytes + figures.signIn.logs.lines * MODEL.logEntryOverheadBytes) +
      requests * MODEL.requestLogBytes,
    driveBillableUnits: Math.max(0, dailyUnits - threshold) * (month / 86_400),
  };
}

/**
 * The quota and the billing threshold with the least headroom, and about how many users reach
 * each (they grow with the users). Hard limits are not in the race: the recommended settings keep
 * every one of them under its limit, or the model fails.
 */
function firstLimit(checks: readonly ResourceCheck[], users: number): CapacityReport['firstLimit'] {
  const first = (kind: ResourceCheck['kind']): FirstLimit | undefined => {
    const scaling = checks.filter((check) => check.kind === kind && check.peak > 0 && check.limitName !== 'driveUnitsPerMinutePerUser');
    const check = scaling.sort((a, b) => headroom(a) - headroom(b))[0];
    return check ? { check, users: users * headroom(check) } : undefined;
  };
  return { quota: first('raisable'), billing: first('billing') };
}

export function round(value: number): number {
  return Number(value.toPrecision(3));
}
