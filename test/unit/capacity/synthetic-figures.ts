import type { CapacityFigures, RunFigures } from '../../../bench/capacity/figures';
import type { FunctionSize } from '../../../scripts/lib/deploy-settings';
import type { ModelInput } from '../../../bench/capacity/model';
import { loadLimits } from '../../../bench/capacity/limits';
import { layoutFromFile } from '../../../bench/capacity/firestore-indexes';

/**
 * Round per-user figures, so the model's arithmetic can be checked by hand: a run reads 2
 * documents, writes 3, makes one token refresh and one changes.list (100 Drive units), takes
 * 10 ms of worker CPU and holds a lane 500 ms.
 */
const run = (overrides: Partial<RunFigures> = {}): RunFigures => ({
  firestore: {
    reads: { dispatcherQuery: 1, workerLease: 1, other: 0 },
    writes: { dispatcherClaim: 1, workerLease: 1, workerFinish: 1, tokenRotation: 0, other: 0 },
  },
  google: { 'token refresh': 1, 'changes.list': 1 },
  worker: { cpuMs: 10, laneMs: 500 },
  dispatcher: { cpuMs: 1 },
  bytes: { driveDownload: 0, driveUpload: 0 },
  logs: { lines: 1, bytes: 200 },
  ...overrides,
});

export function syntheticFigures(): CapacityFigures {
  return {
    measuredAt: '2026-12-01T00:00:00.000Z',
    machine: 'test',
    loadAverage: { start: [0], end: [0] },
    quick: true,
    users: 100,
    googleLatencyMs: 50,
    workerConcurrency: 32,
    dispatchBatchSize: 50,
    workerRuntimeEnv: { MALLOC_ARENA_MAX: '2' },
    workerPeakRssMiB: 200,
    workerPeakRssMiBNodeDefaults: 500,
    dispatcherPeakRssMiB: 120,
    runs: { photo: run(), idle: run() },
    rotationShare: 0,
    signIn: { firestore: { reads: 0, writes: 1 }, google: { 'code exchange': 1 }, cpuMs: 5, logs: { lines: 0, bytes: 0 } },
    workMessage: { bytes: 4000, users: 50 },
    writeShapes: {
      dispatcherClaim: { whole: false, set: { dispatch: 'map', 'dispatch.id': 'string', 'dispatch.at': 'timestamp', nextRunAt: 'timestamp' }, deleted: [] },
      workerLease: { whole: false, set: { lease: 'map', 'lease.owner': 'string', 'lease.expiresAt': 'timestamp', nextRunAt: 'timestamp' }, deleted: [] },
      workerFinish: { whole: false, set: { lastRunAt: 'timestamp', nextRunAt: 'timestamp' }, deleted: ['lease', 'dispatch'] },
      tokenRotation: { whole: false, set: { refreshToken: 'map', 'refreshToken.ciphertext': 'string', refreshTokenIds: 'array:2' }, deleted: [] },
      exchange: { whole: true, set: { status: 'string', nextRunAt: 'timestamp', refreshTokenIds: 'array:2', createdAt: 'timestamp' }, deleted: [] },
    },
    document: { status: 'string', nextRunAt: 'timestamp', lastRunAt: 'timestamp', refreshTokenIds: 'array:2', createdAt: 'timestamp' },
    documentBytes: 2000,
  };
}

const size = (name: string, memoryGiB: number, concurrency: number, timeoutSeconds: number): FunctionSize => ({
  name,
  trigger: name === 'runOfflineWork' ? 'topic' : 'http',
  memoryGiB,
  vcpu: 1,
  timeoutSeconds,
  concurrency,
  maxInstances: 10,
  maxInstancesSetting: undefined,
});

/** The model's input around the synthetic figures: the real limits and deployed index layout, fixed function sizes. */
export function syntheticInput(users: number, options: Partial<ModelInput['options']> = {}): ModelInput {
  return {
    scale: { users, intervalSeconds: 3600, tickSeconds: 60 },
    figures: { figures: syntheticFigures(), source: 'synthetic' },
    limits: loadLimits(),
    sizes: new Map([
      ['runOfflineWork', size('runOfflineWork', 1, 4, 540)],
      ['dispatchOfflineWork', size('dispatchOfflineWork', 0.25, 8, 300)],
      ['exchangeAuthCode', size('exchangeAuthCode', 0.5, 40, 60)],
    ]),
    shardRun: { ackDeadlineSeconds: 120, budgetSeconds: 50 },
    deployedLayout: layoutFromFile(),
    options: { shards: undefined, shardRate: undefined, photoShare: 1, googleLatencyMs: undefined, workerConcurrency: undefined, ...options },
  };
}
