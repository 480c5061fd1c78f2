import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { z } from 'zod';
import { BENCH_ROOT } from '../lib/build';

/**
 * The measured per-user figures the capacity model scales up: what one user's run costs in
 * Firestore documents, Google calls, worker CPU and time, and bytes. `npm run bench` writes them
 * into bench/results/latest.json (suites.offlineWork.capacity); bench/capacity/figures.json is the
 * copy committed with the docs' table, used when no bench has run here.
 */
const counts = z.record(z.string(), z.number().nonnegative());

const runFigures = z.object({
  firestore: z.object({
    /** Documents read per run: the dispatcher's due query, the worker's lease read, anything else. */
    reads: z.object({ dispatcherQuery: z.number(), workerLease: z.number(), other: z.number() }),
    /** Documents written per run, by what the write does. */
    writes: z.object({
      dispatcherClaim: z.number(),
      workerLease: z.number(),
      workerFinish: z.number(),
      tokenRotation: z.number(),
      other: z.number(),
    }),
  }),
  /** Google calls per run by kind: `token refresh` and Drive methods (`files.get media` is a download). */
  google: counts,
  worker: z.object({
    /** Worker CPU (user + system, sharp's threads included) per run. */
    cpuMs: z.number().positive(),
    /** How long a run holds one of the instance's WORKER_CONCURRENCY lanes (round wall x lanes / users). */
    laneMs: z.number().positive(),
  }),
  dispatcher: z.object({ cpuMs: z.number().nonnegative() }),
  bytes: z.object({ driveDownload: z.number(), driveUpload: z.number() }),
  /** Log entries (output lines) and their bytes per run, worker and dispatcher together. */
  logs: z.object({ lines: z.number(), bytes: z.number() }),
});

const writeShape = z.object({
  /** A whole-document write: every field in `set` is new or replaced. */
  whole: z.boolean(),
  /** Field path -> Firestore value type (`timestamp`, `string`, `map`, `array:<n>`, ...). */
  set: z.record(z.string(), z.string()),
  deleted: z.array(z.string()),
});

export const WRITE_KINDS = ['dispatcherClaim', 'workerLease', 'workerFinish', 'tokenRotation', 'exchange'] as const;
export type WriteKind = (typeof WRITE_KINDS)[number];

export const capacityFiguresSchema = z.object({
  measuredAt: z.string(),
  /** How it was measured: machine, load average at the start and end, quick or full bench. */
  machine: z.string(),
  loadAverage: z.object({ start: z.array(z.number()), end: z.array(z.number()) }),
  quick: z.boolean(),
  users: z.number().int().positive(),
  /** Latency the sandbox Google added to every call while the runs were timed. */
  googleLatencyMs: z.number().nonnegative(),
  workerConcurrency: z.number().int().positive(),
  dispatchBatchSize: z.number().int().positive(),
  workerRuntimeEnv: z.record(z.string(), z.string()),
  /** Peak RSS of the worker with the runtime settings above, and with Node's defaults. */
  workerPeakRssMiB: z.number().positive(),
  workerPeakRssMiBNodeDefaults: z.number().positive(),
  /** Peak RSS of the dispatcher process over the whole bench (Node's defaults). */
  dispatcherPeakRssMiB: z.number().positive(),
  /** `photo`: every user has one new (small) photo; `idle`: nothing new since the last run. */
  runs: z.object({ photo: runFigures, idle: runFigures }),
  /** Share of the photo round's users whose refresh token the sandbox rotated (to measure that write). */
  rotationShare: z.number().min(0).max(1),
  signIn: z.object({
    firestore: z.object({ reads: z.number(), writes: z.number() }),
    google: counts,
    cpuMs: z.number().nonnegative(),
    logs: z.object({ lines: z.number(), bytes: z.number() }),
  }),
  /** Bytes of one work message (the product's encoding, Google-sized ids) and users in it. */
  workMessage: z.object({ bytes: z.number().positive(), users: z.number().int().positive() }),
  writeShapes: z.record(z.enum(WRITE_KINDS), writeShape),
  /** Field path -> value type of a stored user document between runs (what stays indexed). */
  document: z.record(z.string(), z.string()),
  /** Its size as JSON: a stand-in for Firestore's stored size (strings count their bytes, numbers 8). */
  documentBytes: z.number().positive(),
});

export type CapacityFigures = z.infer<typeof capacityFiguresSchema>;
export type RunFigures = z.infer<typeof runFigures>;
export type WriteShapeFigures = z.infer<typeof writeShape>;

export const LATEST_RESULTS = join(BENCH_ROOT, 'results', 'latest.json');
export const COMMITTED_FIGURES = join(BENCH_ROOT, 'capacity', 'figures.json');

export interface LoadedFigures {
  figures: CapacityFigures;
  /** The file they came from. */
  source: string;
}

/**
 * The bench's latest figures when `latestFile` holds them (a run of the offline-work suite), else
 * the committed ones. A latest.json without them (another suite only, or an older bench) falls
 * back too; a malformed file is an error, never silently replaced. `latest: false` reads the
 * figures file alone (--figures).
 */
export function loadFigures(latestFile = LATEST_RESULTS, committedFile = COMMITTED_FIGURES, options = { latest: true }): LoadedFigures {
  if (options.latest && existsSync(latestFile)) {
    const results = JSON.parse(readFileSync(latestFile, 'utf8')) as { suites?: { offlineWork?: { capacity?: unknown } } };
    const measured = results.suites?.offlineWork?.capacity;
    if (measured !== undefined) return { figures: parseFigures(measured, latestFile), source: latestFile };
  }
  return { figures: parseFigures(JSON.parse(readFileSync(committedFile, 'utf8')), committedFile), source: committedFile };
}

function parseFigures(value: unknown, file: string): CapacityFigures {
  const parsed = capacityFiguresSchema.safeParse(value);
  if (!parsed.success) throw new Error(`${file}: the capacity figures are malformed: ${parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}`);
  return parsed.data;
}
