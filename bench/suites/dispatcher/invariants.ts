import type { Firestore, Timestamp } from '@google-cloud/firestore';
import type { Population } from './population';
import type { WorkLog } from './work-log';

export interface InvariantCounts {
  users: number;
  /** Users never seen in any work message. */
  neverPublished: number;
  /** Users whose run counter is not exactly 1 (0: never ran; 2 or more: ran twice); with runs checked. */
  notRunOnce: number;
  /** Users whose record does not hold the claim of their latest publication; when nothing ran them. */
  notClaimed: number;
  ranTwiceOrMore: number;
  /** Users still due (active, `nextRunAt` in the past) after everything settled. */
  leftDue: number;
  /** Users still holding a worker's lease. */
  leaseLeft: number;
  /** Documents missing from the collection. */
  missing: number;
}

export interface InvariantReport {
  counts: InvariantCounts;
  /** One sentence per broken invariant, with a few of the users concerned; empty when all hold. */
  violations: string[];
}

interface StoredUser {
  runs?: number;
  dispatch?: { id?: string };
  status?: string;
  nextRunAt?: Timestamp;
  lease?: unknown;
}

/**
 * The invariants of a dispatch, read back from the pull subscription (the work log) and from
 * every user's record: each due user was published at least once and is no longer due. With
 * `ran` (the stand-in worker ran every message), each ran exactly once (`runs == 1`, counted by
 * the worker's own lease mechanism) and holds no lease; without, each record holds the claim it
 * was last published with (a claim lost or overwritten by another would show) and never ran.
 */
export async function checkInvariants(db: Firestore, population: Population, work: WorkLog, options: { ran: boolean }): Promise<InvariantReport> {
  const now = Date.now();
  const seen = new Uint8Array(population.ids.length);
  const examples: Record<keyof Omit<InvariantCounts, 'users'>, string[]> = {
    neverPublished: work.unpublished(),
    notRunOnce: [],
    notClaimed: [],
    ranTwiceOrMore: [],
    leftDue: [],
    leaseLeft: [],
    missing: [],
  };
  const snapshot = await db.collection(population.collection).select('runs', 'status', 'nextRunAt', 'lease', 'dispatch').get();
  for (const doc of snapshot.docs) {
    const i = population.index.get(doc.id);
    if (i === undefined) continue;
    seen[i] = 1;
    const user = doc.data() as StoredUser;
    const runs = user.runs ?? 0;
    if (options.ran && runs !== 1) examples.notRunOnce.push(`${doc.id} (runs ${runs})`);
    if (!options.ran && work.firstPublished[i]! > 0 && user.dispatch?.id !== work.lastDispatchId[i]) examples.notClaimed.push(doc.id);
    if (runs > 1) examples.ranTwiceOrMore.push(doc.id);
    if (user.status === 'active' && (user.nextRunAt?.toMillis() ?? 0) <= now) examples.leftDue.push(doc.id);
    if (user.lease !== undefined) examples.leaseLeft.push(doc.id);
  }
  population.ids.forEach((id, i) => {
    if (seen[i] === 0) examples.missing.push(id);
  });
  const counts: InvariantCounts = {
    users: population.ids.length,
    neverPublished: examples.neverPublished.length,
    notRunOnce: examples.notRunOnce.length,
    notClaimed: examples.notClaimed.length,
    ranTwiceOrMore: examples.ranTwiceOrMore.length,
    leftDue: examples.leftDue.length,
    leaseLeft: examples.leaseLeft.length,
    missing: examples.missing.length,
  };
  const describe: Record<keyof typeof examples, string> = {
    neverPublished: 'due users never published',
    notRunOnce: 'users that did not run exactly once',
    notClaimed: 'users whose record does not hold the claim they were published with',
    ranTwiceOrMore: 'users that ran more than once',
    leftDue: 'users left due',
    leaseLeft: 'users left holding a lease',
    missing: 'user documents missing',
  };
  const violations = (Object.keys(examples) as (keyof typeof examples)[])
    .filter((kind) => examples[kind].length > 0)
    .map((kind) => `${examples[kind].length} ${describe[kind]} (e.g. ${examples[kind].slice(0, 5).join(', ')})`);
  if (work.strangers > 0) violations.push(`${work.strangers} published user ids that were never due`);
  if (work.malformed > 0) violations.push(`${work.malformed} work messages that are not work messages`);
  return { counts, violations };
}
