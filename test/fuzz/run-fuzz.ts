import fc from 'fast-check';
import { problemWithReply } from './check-reply';
import { describeRequest } from './fuzz-request';
import type { RunningTarget } from './fuzz-stack';
import { requestArbitrary } from './request-arbitraries';
import { sendRequest } from './send-request';

export interface FuzzReport {
  target: string;
  runs: number;
  seed: number;
  /** How many answers of each status and error code ("400 invalid_grant", "200"). */
  byAnswer: Record<string, number>;
  /** Empty when every property held. */
  failures: string[];
  durationMs: number;
}

export interface FuzzOptions {
  numRuns: number;
  seed?: number;
}

/**
 * Fuzzes one running function: `numRuns` generated requests, each answer checked (problemWithReply),
 * then the whole-run properties: the function's Firestore project is still empty and its log has no
 * ERROR line (a 5xx, or an unexpected failure the adapter caught, logs one).
 */
export async function fuzzTarget({ target, fn, db }: RunningTarget, options: FuzzOptions): Promise<FuzzReport> {
  const started = Date.now();
  const byAnswer: Record<string, number> = {};
  const seed = options.seed ?? Date.now() % 2 ** 31;
  const property = fc.asyncProperty(requestArbitrary(target), async (request) => {
    const reply = await sendRequest(fn.url, request);
    const answer = `${reply.status}${errorCodeOf(reply.body)}`;
    byAnswer[answer] = (byAnswer[answer] ?? 0) + 1;
    const problem = problemWithReply(target, request, reply);
    if (problem) throw new Error(`${problem}\n    for ${describeRequest(request)}`);
  });
  const result = await fc.check(property, { numRuns: options.numRuns, seed, endOnFailure: true });
  const failures: string[] = [];
  if (result.failed) failures.push(`seed ${seed}: ${result.errorInstance instanceof Error ? result.errorInstance.message : String(result.errorInstance)}`);
  const collections = (await db.listCollections()).filter((c) => !target.bookkeeping?.includes(c.id));
  if (collections.length > 0) failures.push(`stored data: collections ${collections.map((c) => c.id).join(', ')}`);
  const errorLines = fn.logs.filter((line) => line.includes('"severity":"ERROR"'));
  if (errorLines.length > 0) failures.push(`logged at ERROR: ${errorLines.slice(0, 3).join(' | ')}`);
  return { target: target.name, runs: result.numRuns, seed, byAnswer, failures, durationMs: Date.now() - started };
}

function errorCodeOf(body: Buffer): string {
  try {
    const code = (JSON.parse(body.toString('utf8')) as { error?: { code?: unknown } }).error?.code;
    return typeof code === 'string' ? ` ${code}` : '';
  } catch {
    return '';
  }
}

export function formatReports(reports: readonly FuzzReport[]): string {
  const lines = reports.map((r) => {
    const answers = Object.entries(r.byAnswer)
      .sort(([a], [b]) => a.localeCompare(b))
      .map(([answer, count]) => `${answer}: ${count}`)
      .join(', ');
    return `${r.target.padEnd(32)} ${String(r.runs).padStart(6)} ${(r.durationMs / 1000).toFixed(1).padStart(7)} s  ${r.failures.length === 0 ? 'ok  ' : 'FAIL'}  ${answers}`;
  });
  return ['function                          cases      time  result answers', ...lines].join('\n');
}
