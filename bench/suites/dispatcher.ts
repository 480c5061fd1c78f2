import { Firestore } from '@google-cloud/firestore';
import { PubSub } from '@google-cloud/pubsub';
import { freePort } from '../../scripts/lib/ports';
import { drainWorkMessages } from '../../test/support/pubsub';
import { seedUsers } from '../../test/support/users';
import type { BenchContext } from '../lib/bench-context';
import { benchFunctionEnv } from '../lib/function-env';
import { startServingFunction } from '../lib/function-process';
import { firestoreOpCounter } from '../lib/op-counts';
import type { SuiteReport } from '../lib/report';
import { round } from '../lib/stats';
import { markdownTable } from '../lib/table';

/**
 * The dispatcher as deployed (functions-framework, default configuration), with 10,000 due users
 * in the Firestore emulator: the time from the scheduler's POST to its answer, which comes once
 * Pub/Sub has accepted every message. Every user is then read back from a pull subscription
 * (untimed) to prove each was published exactly once.
 */
export interface DispatcherResult {
  users: number;
  seconds: number;
  usersPerS: number;
  messages: number;
  distinctUsersPublished: number;
  firestoreReadsPerUser: number;
  firestoreWritesPerUser: number;
}

export async function runDispatcherBench(context: BenchContext): Promise<SuiteReport<DispatcherResult>> {
  const users = context.quick ? 2_000 : 10_000;
  const topicId = `bench-work-${Date.now()}`;
  const { env, projectId } = benchFunctionEnv(context.sandbox, 'dispatch', { OFFLINE_WORK_TOPIC: topicId });
  const db = new Firestore({ projectId });
  const pubsub = new PubSub({ projectId });
  const counter = firestoreOpCounter();
  const [topic] = await pubsub.createTopic(topicId);
  const [subscription] = await topic.createSubscription(`${topicId}-pull`);
  await seedUsers(db, users);
  context.log(`${users} due users seeded`);
  const fn = await startServingFunction({ target: 'dispatchOfflineWork', port: await freePort(), env: { ...env, ...counter.env }, nodeArgs: counter.nodeArgs });
  try {
    const started = performance.now();
    const response = await fetch(fn.url, { method: 'POST', signal: AbortSignal.timeout(120_000) });
    const seconds = (performance.now() - started) / 1000;
    const body = (await response.json()) as { dispatched?: number; batches?: number };
    if (response.status !== 200 || body.dispatched !== users) throw new Error(`the dispatcher answered ${response.status} ${JSON.stringify(body)}`);
    const counts = await counter.read();
    const published = (await drainWorkMessages(subscription, 1_000)).flatMap((m) => m.users.map((u) => u.userId));
    const result: DispatcherResult = {
      users,
      seconds: round(seconds),
      usersPerS: round(users / seconds),
      messages: body.batches ?? 0,
      distinctUsersPublished: new Set(published).size,
      firestoreReadsPerUser: round(counts.reads / users),
      firestoreWritesPerUser: round(counts.writes / users),
    };
    if (published.length !== users || result.distinctUsersPublished !== users) {
      throw new Error(`published ${published.length} user ids (${result.distinctUsersPublished} distinct) for ${users} users`);
    }
    context.log(`${users} users in ${result.seconds} s`);
    return {
      suite: 'dispatcher',
      result,
      goals: [],
      markdown: [
        `### Dispatcher (${users} due users, default configuration)`,
        markdownTable(
          ['users', 'seconds to publish all', 'users/s', 'messages', 'Firestore reads/user', 'writes/user'],
          [[users, result.seconds, result.usersPerS, result.messages, result.firestoreReadsPerUser, result.firestoreWritesPerUser]],
        ),
      ].join('\n\n'),
    };
  } finally {
    await fn.proc.stop();
    await db.terminate();
    await pubsub.close();
  }
}
