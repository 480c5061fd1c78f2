/**
 * Preloaded (`node --require`) into a function process the bench measures, to count Firestore
 * document reads and writes at the data layer without touching product code. Every RPC of the
 * Firestore client goes through one of two funnels, `Firestore#request` (unary: commit,
 * batchWrite, beginTransaction, ...) and `Firestore#requestStream` (batchGetDocuments, runQuery);
 * both are wrapped here. What is counted is what Firestore bills:
 * - writes: the documents in each commit / batchWrite request (a retried RPC counts again);
 * - reads: the documents named in each batchGetDocuments request (a missing document is billed
 *   too), and the documents each runQuery stream delivers.
 * The totals go to the file named by BENCH_FIRESTORE_COUNTS_FILE as JSON, every 200 ms while they
 * change, so they survive the process being stopped with a signal.
 */
import { writeFileSync } from 'node:fs';
import { Firestore } from '@google-cloud/firestore';

export interface FirestoreOpCounts {
  reads: number;
  writes: number;
  /** RPCs by method name, including those that bill nothing (beginTransaction, rollback). */
  rpcs: Record<string, number>;
}

interface FirestoreFunnels {
  request(method: string, request: { writes?: unknown[] }, ...rest: unknown[]): Promise<unknown>;
  requestStream(method: string, bidirectional: boolean, request: { documents?: unknown[] }, ...rest: unknown[]): Promise<NodeJS.EventEmitter>;
}

const counts: FirestoreOpCounts = { reads: 0, writes: 0, rpcs: {} };
const outFile = process.env.BENCH_FIRESTORE_COUNTS_FILE;
if (!outFile) throw new Error('BENCH_FIRESTORE_COUNTS_FILE is required by the Firestore op counter');

const funnels = Firestore.prototype as unknown as FirestoreFunnels;
const unary = funnels.request;
const streaming = funnels.requestStream;

funnels.request = function countedRequest(this: FirestoreFunnels, method, request, ...rest) {
  counts.rpcs[method] = (counts.rpcs[method] ?? 0) + 1;
  if (method === 'commit' || method === 'batchWrite') counts.writes += request.writes?.length ?? 0;
  return unary.call(this, method, request, ...rest);
};

funnels.requestStream = async function countedStream(this: FirestoreFunnels, method, bidirectional, request, ...rest) {
  counts.rpcs[method] = (counts.rpcs[method] ?? 0) + 1;
  if (method === 'batchGetDocuments') counts.reads += request.documents?.length ?? 0;
  const stream = await streaming.call(this, method, bidirectional, request, ...rest);
  if (method === 'runQuery') countDeliveredDocuments(stream);
  return stream;
};

/**
 * Counts the documents a query stream emits, by observing `emit` rather than adding a 'data'
 * listener: a listener would switch the paused stream to flowing before the client is ready.
 */
function countDeliveredDocuments(stream: NodeJS.EventEmitter): void {
  const emit = stream.emit.bind(stream);
  stream.emit = (event: string | symbol, ...args: unknown[]): boolean => {
    if (event === 'data' && (args[0] as { document?: unknown } | undefined)?.document) counts.reads += 1;
    return emit(event, ...args);
  };
}

let written = '';
function flush(): void {
  const snapshot = JSON.stringify(counts);
  if (snapshot === written) return;
  writeFileSync(outFile!, snapshot);
  written = snapshot;
}

flush();
setInterval(flush, 200).unref();
process.on('exit', flush);
