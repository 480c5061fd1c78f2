import { Firestore } from '@google-cloud/firestore';
import { freePort } from '../../scripts/lib/ports';
import { seededRandom } from '../../sandbox/src/seeded-random';
import { FULL_SCOPES } from '../../test/support/sandbox';
import type { BenchContext } from '../lib/bench-context';
import { exchangeRequest } from '../lib/codes';
import { benchFunctionEnv } from '../lib/function-env';
import { startServingFunction } from '../lib/function-process';
import { requestOnce } from '../lib/http-probe';
import { type LoadRequest, type LoadStats, runLoad } from '../lib/load';
import { atMost, type SuiteReport } from '../lib/report';
import { round } from '../lib/stats';
import { markdownTable } from '../lib/table';
import { MALFORMED_KINDS, validRequest } from './abuse-requests';

/**
 * Exchange under abuse: 10,000 requests at concurrency 64, a fifth of them malformed in every way
 * the contract refuses. Goals: no 5xx at all, every malformed request gets its documented 4xx, and
 * every valid sign-in is stored exactly once (one document per valid user, one code exchange per
 * valid code at Google, nothing stored for anything else).
 */
export interface AbuseResult {
  requests: number;
  valid: number;
  malformed: number;
  serverErrors: number;
  /** Answers other than the one documented for their kind, by kind. */
  wrongStatuses: Record<string, Record<string, number>>;
  storedUsers: number;
  validUsersMissing: number;
  codeExchangesAtGoogle: number;
  load: LoadStats;
}

const CONCURRENCY = 64;
const MALFORMED_SHARE = 0.2;

export async function runExchangeAbuse(context: BenchContext): Promise<SuiteReport<AbuseResult>> {
  const total = context.quick ? 2_000 : 10_000;
  const { env, projectId } = benchFunctionEnv(context.sandbox, 'abuse');
  const fn = await startServingFunction({ target: 'exchangeAuthCode', port: await freePort(), env });
  const db = new Firestore({ projectId });
  try {
    const replayable = await spentCode(context, fn.url);
    const plan = planRequests(context, total, replayable);
    const codeExchangesBefore = context.sandbox.admin.stats().codeExchanges;
    let cursor = 0;
    const load = await runLoad(fn.url, CONCURRENCY, plan.requests.length, () => plan.requests[cursor++] ?? plan.requests[0]!);
    context.log(`${load.requests} requests in ${load.durationS} s`);
    const result = await verify(db, plan, load, context.sandbox.admin.stats().codeExchanges - codeExchangesBefore);
    return report(result);
  } finally {
    await fn.proc.stop();
    await db.terminate();
  }
}

interface Plan {
  requests: LoadRequest[];
  validSubs: string[];
}

/** A deterministic shuffle of valid sign-ins (fresh codes, distinct users) and malformed requests. */
function planRequests(context: BenchContext, total: number, replayable: string): Plan {
  const random = seededRandom(6);
  const requests: LoadRequest[] = [];
  const validSubs: string[] = [];
  for (let i = 0; i < total; i += 1) {
    if (random() < MALFORMED_SHARE) {
      const kind = MALFORMED_KINDS[Math.floor(random() * MALFORMED_KINDS.length)]!;
      requests.push({ ...kind.build(replayable), tag: kind.tag });
      continue;
    }
    const sub = `abuse-${i}`;
    validSubs.push(sub);
    const { code } = context.sandbox.admin.mintCode({ sub, email: `${sub}@example.com`, scopes: FULL_SCOPES, forceConsent: true });
    requests.push(validRequest(code));
  }
  return { requests, validSubs };
}

/** A code exchanged once already (by a user outside the plan), for the replay attempts. */
async function spentCode(context: BenchContext, url: string): Promise<string> {
  const { code } = context.sandbox.admin.mintCode({ sub: 'abuse-replayed', email: 'replayed@example.com', scopes: FULL_SCOPES, forceConsent: true });
  const status = await requestOnce(url, exchangeRequest(code));
  if (status !== 200) throw new Error(`the first use of the replayed code answered ${status}`);
  return code;
}

async function verify(db: Firestore, plan: Plan, load: LoadStats, codeExchanges: number): Promise<AbuseResult> {
  const expected = new Map<string, number>([['valid', 200], ...MALFORMED_KINDS.map((k): [string, number] => [k.tag, k.expectedStatus])]);
  const wrongStatuses: Record<string, Record<string, number>> = {};
  let serverErrors = 0;
  for (const [tag, byStatus] of Object.entries(load.statusesByTag)) {
    for (const [status, count] of Object.entries(byStatus)) {
      if (Number(status) >= 500) serverErrors += count;
      if (Number(status) !== expected.get(tag)) (wrongStatuses[tag] ??= {})[status] = count;
    }
  }
  const users = db.collection('users');
  // Every valid user plus the one whose code is replayed; anything more was stored by a refused request.
  const storedUsers = (await users.count().get()).data().count;
  let validUsersMissing = 0;
  for (let i = 0; i < plan.validSubs.length; i += 300) {
    const snapshots = await db.getAll(...plan.validSubs.slice(i, i + 300).map((sub) => users.doc(sub)));
    validUsersMissing += snapshots.filter((s) => s.data()?.status !== 'active' || !s.data()?.refreshToken).length;
  }
  return {
    requests: load.requests,
    valid: plan.validSubs.length,
    malformed: plan.requests.length - plan.validSubs.length,
    serverErrors: serverErrors + (load.requests - sumAnswers(load)),
    wrongStatuses,
    storedUsers: storedUsers - 1,
    validUsersMissing,
    codeExchangesAtGoogle: codeExchanges,
    load,
  };
}

function sumAnswers(load: LoadStats): number {
  return Object.values(load.statusesByTag).reduce((sum, byStatus) => sum + Object.values(byStatus).reduce((a, b) => a + b, 0), 0);
}

function report(result: AbuseResult): SuiteReport<AbuseResult> {
  const wrong = Object.values(result.wrongStatuses).reduce((sum, byStatus) => sum + Object.values(byStatus).reduce((a, b) => a + b, 0), 0);
  return {
    suite: 'exchangeAbuse',
    result,
    goals: [
      atMost('abuse: 5xx answers or dropped requests', result.serverErrors, 0),
      atMost('abuse: answers other than the documented status', wrong, 0),
      atMost('abuse: valid sign-ins not stored exactly once', Math.abs(result.storedUsers - result.valid) + result.validUsersMissing + Math.abs(result.codeExchangesAtGoogle - result.valid), 0),
    ],
    markdown: [
      `### Exchange under abuse (${result.requests} requests at concurrency ${CONCURRENCY}, ${Math.round(MALFORMED_SHARE * 100)}% malformed)`,
      markdownTable(
        ['requests', 'valid', 'malformed', 'answers/s', 'p99 ms', '5xx', 'wrong status', 'users stored', 'code exchanges at Google'],
        [[result.requests, result.valid, result.malformed, round(result.requests / result.load.durationS), result.load.p99Ms, result.serverErrors, wrong, result.storedUsers, result.codeExchangesAtGoogle]],
      ),
      `Answers by kind: ${Object.entries(result.load.statusesByTag).map(([tag, s]) => `${tag} ${JSON.stringify(s)}`).join('; ')}`,
    ].join('\n\n'),
  };
}
