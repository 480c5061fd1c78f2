import { randomUUID } from 'node:crypto';
import { Timestamp } from '@google-cloud/firestore';
import { encodeWorkMessage } from '../../../functions/src/offline/work-message';
import type { CapacityFigures, RunFigures, WriteKind, WriteShapeFigures } from '../../capacity/figures';
import type { FirestoreOpCounts, WriteShape } from '../../instrument/firestore-op-counter';
import type { OutputTotals } from '../../lib/output-meter';
import { round } from '../../lib/stats';
import type { RoundStats } from './measured-round';

/**
 * Turns what the offline-work bench measured into the per-user figures the capacity model reads
 * (bench/capacity/figures.ts): every count divided by the users of its round, writes sorted by
 * what they do, the work message sized with the product's own encoder.
 */

/** What a write does, told by the fields it sets and deletes (see claim-due-users.ts, lease-store.ts, user-access.ts, user-repository.ts). */
export function writeKindOf(shape: Pick<WriteShape, 'set' | 'deleted'>): WriteKind | 'other' {
  const sets = (field: string) => Object.hasOwn(shape.set, field);
  if (sets('dispatch') && !sets('lease')) return 'dispatcherClaim';
  if (sets('lease')) return 'workerLease';
  if (shape.deleted.includes('lease')) return 'workerFinish';
  if (sets('connectedAt')) return 'exchange';
  if (sets('refreshToken')) return 'tokenRotation';
  return 'other';
}

export interface RoundInput {
  stats: RoundStats;
  users: number;
  concurrency: number;
  driveDownloadBytes: number;
  driveUploadBytes: number;
}

export interface SignInInput {
  users: number;
  ops: FirestoreOpCounts;
  codeExchanges: number;
  cpuS: number;
  output: OutputTotals;
}

export interface FiguresInput {
  measuredAt: Date;
  machine: string;
  loadAverage: { start: number[]; end: number[] };
  quick: boolean;
  googleLatencyMs: number;
  batchSize: number;
  workerRuntimeEnv: Readonly<Record<string, string>>;
  peakRssMiB: { proposed: number; defaults: number; dispatcher: number };
  photo: RoundInput;
  idle: RoundInput;
  rotationShare: number;
  signIn: SignInInput;
  /** A stored user document between runs, as the Firestore client reads it. */
  document: Record<string, unknown>;
}

export function capacityFigures(input: FiguresInput): CapacityFigures {
  const shapes = [input.photo.stats.worker, input.photo.stats.dispatcher, input.signIn.ops].flatMap((ops) => Object.values(ops.writeShapes));
  return {
    measuredAt: input.measuredAt.toISOString(),
    machine: input.machine,
    loadAverage: input.loadAverage,
    quick: input.quick,
    users: input.photo.users,
    googleLatencyMs: input.googleLatencyMs,
    workerConcurrency: input.photo.concurrency,
    dispatchBatchSize: input.batchSize,
    workerRuntimeEnv: { ...input.workerRuntimeEnv },
    workerPeakRssMiB: round(input.peakRssMiB.proposed),
    workerPeakRssMiBNodeDefaults: round(input.peakRssMiB.defaults),
    dispatcherPeakRssMiB: round(input.peakRssMiB.dispatcher),
    runs: { photo: runFigures(input.photo), idle: runFigures(input.idle) },
    rotationShare: input.rotationShare,
    signIn: {
      firestore: { reads: perUser(input.signIn.ops.reads, input.signIn.users), writes: perUser(input.signIn.ops.writes, input.signIn.users) },
      google: { 'code exchange': perUser(input.signIn.codeExchanges, input.signIn.users) },
      cpuMs: perUser(input.signIn.cpuS * 1000, input.signIn.users),
      logs: { lines: perUser(input.signIn.output.lines, input.signIn.users), bytes: perUser(input.signIn.output.bytes, input.signIn.users) },
    },
    workMessage: workMessageSize(input.batchSize),
    writeShapes: shapesByKind(shapes),
    document: describeDocument(input.document),
    documentBytes: Buffer.byteLength(JSON.stringify(input.document)),
  };
}

function perUser(total: number, users: number): number {
  return round(total / users, 4);
}

function runFigures(input: RoundInput): RunFigures {
  const { stats, users } = input;
  const writes = { dispatcherClaim: 0, workerLease: 0, workerFinish: 0, tokenRotation: 0, other: 0 };
  for (const shape of [...Object.values(stats.worker.writeShapes), ...Object.values(stats.dispatcher.writeShapes)]) {
    const kind = writeKindOf(shape);
    const key = kind === 'exchange' ? 'other' : kind;
    writes[key] += shape.count;
  }
  const reads = {
    dispatcherQuery: stats.dispatcher.readsByMethod.runQuery ?? 0,
    workerLease: stats.worker.readsByMethod.batchGetDocuments ?? 0,
    other: 0,
  };
  reads.other = stats.worker.reads + stats.dispatcher.reads - reads.dispatcherQuery - reads.workerLease;
  const each = <T extends Record<string, number>>(totals: T): T =>
    Object.fromEntries(Object.entries(totals).map(([key, value]) => [key, perUser(value, users)])) as T;
  return {
    firestore: { reads: each(reads), writes: each(writes) },
    google: each(stats.googleByKind),
    worker: {
      cpuMs: perUser(stats.workerCpuS * 1000, users),
      // One instance ran the round: each user held one of `concurrency` lanes for this long on average.
      laneMs: perUser(stats.wallS * 1000 * input.concurrency, users),
    },
    dispatcher: { cpuMs: perUser(stats.dispatcherCpuS * 1000, users) },
    bytes: { driveDownload: perUser(input.driveDownloadBytes, users), driveUpload: perUser(input.driveUploadBytes, users) },
    logs: {
      lines: perUser(stats.output.worker.lines + stats.output.dispatcher.lines, users),
      bytes: perUser(stats.output.worker.bytes + stats.output.dispatcher.bytes, users),
    },
  };
}

/** The largest shape of each kind (a finish after a refresh writes the new access token too). */
function shapesByKind(shapes: readonly WriteShape[]): Record<WriteKind, WriteShapeFigures> {
  const byKind: Partial<Record<WriteKind, WriteShapeFigures>> = {};
  for (const shape of shapes) {
    const kind = writeKindOf(shape);
    if (kind === 'other') continue;
    const known = byKind[kind];
    if (!known || Object.keys(shape.set).length + shape.deleted.length > Object.keys(known.set).length + known.deleted.length) {
      byKind[kind] = { whole: shape.whole, set: { ...shape.set }, deleted: [...shape.deleted] };
    }
  }
  const missing = (['dispatcherClaim', 'workerLease', 'workerFinish', 'tokenRotation', 'exchange'] as const).filter((kind) => !byKind[kind]);
  if (missing.length > 0) throw new Error(`the bench saw no write of kind ${missing.join(', ')}`);
  return byKind as Record<WriteKind, WriteShapeFigures>;
}

/** A full work message of Google-sized ids (a `sub` is 21 digits), in the product's encoding, plus its attributes. */
function workMessageSize(batchSize: number): { bytes: number; users: number } {
  const users = Array.from({ length: batchSize }, (_, i) => ({ userId: `1${String(i).padStart(20, '0')}`, dispatchId: randomUUID() }));
  const attributes = { kind: 'offline-work', v: '1' }; // as work-publisher.ts sends them
  const attributeBytes = Object.entries(attributes).reduce((sum, [key, value]) => sum + key.length + value.length, 0);
  return { bytes: encodeWorkMessage({ v: 1, users }).length + attributeBytes, users: batchSize };
}

/** Field path -> value type, maps recursed into, as the counter describes written values. */
export function describeDocument(data: Record<string, unknown>, prefix = '', into: Record<string, string> = {}): Record<string, string> {
  for (const [name, value] of Object.entries(data)) {
    const path = `${prefix}${name}`;
    if (value instanceof Timestamp) into[path] = 'timestamp';
    else if (Array.isArray(value)) into[path] = `array:${value.length}`;
    else if (value === null) into[path] = 'null';
    else if (typeof value === 'object') {
      into[path] = 'map';
      describeDocument(value as Record<string, unknown>, `${path}.`, into);
    } else if (typeof value === 'number') into[path] = Number.isInteger(value) ? 'integer' : 'double';
    else into[path] = typeof value;
  }
  return into;
}
