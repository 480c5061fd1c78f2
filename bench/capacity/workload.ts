import type { CapacityFigures, RunFigures } from './figures';
import type { PlatformLimits } from './limits';

/**
 * One average user run, mixed from the bench's two measured kinds of run: a share `photoShare`
 * finds one new photo, the rest find nothing new. Time spent waiting on Google is rescaled when
 * Google is assumed slower (or faster) than the sandbox was during the bench.
 */
export interface AverageRun {
  firestoreReads: RunFigures['firestore']['reads'];
  firestoreWrites: RunFigures['firestore']['writes'];
  /** Google calls by kind. */
  google: Record<string, number>;
  googleCalls: number;
  /** Drive quota units of one run (token refreshes are not Drive calls). */
  driveUnits: number;
  workerCpuMs: number;
  /** How long a run holds one of an instance's WORKER_CONCURRENCY lanes, at `googleLatencyMs`. */
  laneMs: number;
  dispatcherCpuMs: number;
  driveDownloadBytes: number;
  driveUploadBytes: number;
  logLines: number;
  logBytes: number;
}

export interface WorkloadOptions {
  photoShare: number;
  /** Latency of each Google call; the bench's own when undefined. */
  googleLatencyMs: number | undefined;
}

export function averageRun(figures: CapacityFigures, limits: PlatformLimits, options: WorkloadOptions): AverageRun {
  const { photo, idle } = figures.runs;
  const p = options.photoShare;
  const mix = (a: number, b: number): number => p * a + (1 - p) * b;
  const mixRecord = <K extends string>(a: Record<K, number>, b: Record<K, number>): Record<K, number> => {
    const keys = new Set([...Object.keys(a), ...Object.keys(b)]) as Set<K>;
    return Object.fromEntries([...keys].map((key) => [key, mix(a[key] ?? 0, b[key] ?? 0)])) as Record<K, number>;
  };
  const google = mixRecord(photo.google, idle.google);
  const googleCalls = Object.values(google).reduce((sum, n) => sum + n, 0);
  const latencyShiftMs = (options.googleLatencyMs ?? figures.googleLatencyMs) - figures.googleLatencyMs;
  return {
    firestoreReads: mixRecord(photo.firestore.reads, idle.firestore.reads),
    firestoreWrites: mixRecord(photo.firestore.writes, idle.firestore.writes),
    google,
    googleCalls,
    driveUnits: driveUnits(google, limits),
    workerCpuMs: mix(photo.worker.cpuMs, idle.worker.cpuMs),
    laneMs: Math.max(1, mix(photo.worker.laneMs, idle.worker.laneMs) + googleCalls * latencyShiftMs),
    dispatcherCpuMs: mix(photo.dispatcher.cpuMs, idle.dispatcher.cpuMs),
    driveDownloadBytes: mix(photo.bytes.driveDownload, idle.bytes.driveDownload),
    driveUploadBytes: mix(photo.bytes.driveUpload, idle.bytes.driveUpload),
    logLines: mix(photo.logs.lines, idle.logs.lines),
    logBytes: mix(photo.logs.bytes, idle.logs.bytes),
  };
}

/** Drive quota units of these calls (per-method costs from limits.json; `token refresh` is OAuth, not Drive). */
export function driveUnits(calls: Readonly<Record<string, number>>, limits: PlatformLimits): number {
  let units = 0;
  for (const [kind, n] of Object.entries(calls)) {
    if (kind === 'token refresh') continue;
    const bucket = limits.driveUnits.methods[kind];
    if (!bucket) throw new Error(`bench/capacity/limits.json gives no Drive quota cost for ${kind}`);
    units += n * limits.driveUnits.units[bucket];
  }
  return units;
}
