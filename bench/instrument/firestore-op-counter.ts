/**
 * Preloaded (`node --require`) into a function process the bench measures, to count Firestore
 * document reads and writes at the data layer without touching product code. Every RPC of the
 * Firestore client goes through one of two funnels, `Firestore#request` (unary: commit,
 * batchWrite, beginTransaction, ...) and `Firestore#requestStream` (batchGetDocuments, runQuery);
 * both are wrapped here. What is counted is what Firestore bills:
 * - writes: the documents in each commit / batchWrite request (a retried RPC counts again);
 * - reads: the documents named in each batchGetDocuments request (a missing document is billed
 *   too), and the documents each runQuery stream delivers.
 * Each written document is also described by what it changes (its field mask, the value type of
 * every field it sets, the fields it deletes), so the bench can tell a claim from a lease from a
 * finish, and the capacity model can count the index entries each one moves.
 * The totals go to the file named by BENCH_FIRESTORE_COUNTS_FILE as JSON, every 200 ms while they
 * change (replacing it whole), so they survive the process being stopped with a signal.
 */
import { renameSync, writeFileSync } from 'node:fs';
import { Firestore } from '@google-cloud/firestore';

/** Documents written alike: same field mask, same deleted fields. */
export interface WriteShape {
  count: number;
  /** A whole-document write (create, or set without merge): every field is new or replaced. */
  whole: boolean;
  /**
   * Every field path written, maps and their subfields alike, with its Firestore value type
   * (`timestamp`, `string`, `map`, `array:<elements>`, ...), as seen in the last such write.
   */
  set: Record<string, string>;
  /** Field paths in the mask with no value: deleted. */
  deleted: string[];
}

export interface FirestoreOpCounts {
  reads: number;
  writes: number;
  /** RPCs by method name, including those that bill nothing (beginTransaction, rollback). */
  rpcs: Record<string, number>;
  /** Document reads by the RPC that billed them (runQuery, batchGetDocuments). */
  readsByMethod: Record<string, number>;
  /** Document writes by shape, keyed by `shapeKey`. */
  writeShapes: Record<string, WriteShape>;
}

type ProtoValue = Record<string, unknown> & { mapValue?: { fields?: Record<string, ProtoValue> }; arrayValue?: { values?: unknown[] } };

interface ProtoWrite {
  update?: { fields?: Record<string, ProtoValue> };
  updateMask?: { fieldPaths?: string[] };
  currentDocument?: { exists?: boolean };
}

interface FirestoreFunnels {
  request(method: string, request: { writes?: ProtoWrite[] }, ...rest: unknown[]): Promise<unknown>;
  requestStream(method: string, bidirectional: boolean, request: { documents?: unknown[] }, ...rest: unknown[]): Promise<NodeJS.EventEmitter>;
}

const counts: FirestoreOpCounts = { reads: 0, writes: 0, rpcs: {}, readsByMethod: {}, writeShapes: {} };
const outFile = process.env.BENCH_FIRESTORE_COUNTS_FILE;
if (!outFile) throw new Error('BENCH_FIRESTORE_COUNTS_FILE is required by the Firestore op counter');

const funnels = Firestore.prototype as unknown as FirestoreFunnels;
const unary = funnels.request;
const streaming = funnels.requestStream;

funnels.request = function countedRequest(this: FirestoreFunnels, method, request, ...rest) {
  counts.rpcs[method] = (counts.rpcs[method] ?? 0) + 1;
  if (method === 'commit' || method === 'batchWrite') {
    counts.writes += request.writes?.length ?? 0;
    for (const write of request.writes ?? []) recordShape(write);
  }
  return unary.call(this, method, request, ...rest);
};

funnels.requestStream = async function countedStream(this: FirestoreFunnels, method, bidirectional, request, ...rest) {
  counts.rpcs[method] = (counts.rpcs[method] ?? 0) + 1;
  if (method === 'batchGetDocuments') countReads(method, request.documents?.length ?? 0);
  const stream = await streaming.call(this, method, bidirectional, request, ...rest);
  if (method === 'runQuery') countDeliveredDocuments(method, stream);
  return stream;
};

function countReads(method: string, documents: number): void {
  counts.reads += documents;
  counts.readsByMethod[method] = (counts.readsByMethod[method] ?? 0) + documents;
}

/**
 * Counts the documents a query stream emits, by observing `emit` rather than adding a 'data'
 * listener: a listener would switch the paused stream to flowing before the client is ready.
 */
function countDeliveredDocuments(method: string, stream: NodeJS.EventEmitter): void {
  const emit = stream.emit.bind(stream);
  stream.emit = (event: string | symbol, ...args: unknown[]): boolean => {
    if (event === 'data' && (args[0] as { document?: unknown } | undefined)?.document) countReads(method, 1);
    return emit(event, ...args);
  };
}

/** The key a write's shape is grouped under: what it sets and deletes, not the values. */
function shapeKey(whole: boolean, masked: readonly string[], deleted: readonly string[]): string {
  return `${whole ? 'whole' : 'update'} set=${[...masked].sort().join(',')} delete=${[...deleted].sort().join(',')}`;
}

function recordShape(write: ProtoWrite): void {
  const fields = write.update?.fields;
  if (!fields) return; // a delete or a transform-only write
  const mask = write.updateMask?.fieldPaths;
  const whole = mask === undefined;
  const set: Record<string, string> = {};
  const deleted: string[] = [];
  // Mask paths quote segments with special characters (jobs.`photo-enhancement`); none of ours holds a dot.
  const paths = (mask ?? Object.keys(fields)).map((path) => path.replace(/`/g, ''));
  for (const path of paths) {
    const value = valueAt(fields, path.split('.'));
    if (value === undefined) deleted.push(path);
    else describe(path, value, set);
  }
  const masked = paths.filter((path) => !deleted.includes(path));
  const key = shapeKey(whole, masked, deleted);
  const shape = (counts.writeShapes[key] ??= { count: 0, whole, set: {}, deleted });
  shape.count += 1;
  shape.set = set;
}

function valueAt(fields: Record<string, ProtoValue>, path: readonly string[]): ProtoValue | undefined {
  const [head, ...rest] = path;
  const value = head === undefined ? undefined : fields[head];
  if (!value || rest.length === 0) return value;
  return value.mapValue?.fields ? valueAt(value.mapValue.fields, rest) : undefined;
}

function describe(path: string, value: ProtoValue, into: Record<string, string>): void {
  if (value.mapValue) {
    into[path] = 'map';
    for (const [name, child] of Object.entries(value.mapValue.fields ?? {})) describe(`${path}.${name}`, child, into);
  } else if (value.arrayValue) {
    into[path] = `array:${value.arrayValue.values?.length ?? 0}`;
  } else {
    const type = Object.keys(value).find((key) => key.endsWith('Value') && value[key] !== undefined) ?? 'unknown';
    into[path] = type.replace(/Value$/, '');
  }
}

let written = '';
function flush(): void {
  const snapshot = JSON.stringify(counts);
  if (snapshot === written) return;
  // Written aside and renamed into place, so a reader never sees a half-written file.
  writeFileSync(`${outFile!}.tmp`, snapshot);
  renameSync(`${outFile!}.tmp`, outFile!);
  written = snapshot;
}

flush();
setInterval(flush, 200).unref();
process.on('exit', flush);
