import { Timestamp } from '@google-cloud/firestore';
import type { PubSub } from '@google-cloud/pubsub';
import type { CloudEvent } from '@google-cloud/functions-framework';
import { createLogger } from '../../../functions/src/logging/logger';
import { createDispatchHandler } from '../../../functions/src/offline/dispatch/dispatch-handler';
import { readDispatcherRuns } from '../../../functions/src/offline/dispatch/dispatch-runs';
import { createWorkerHandler } from '../../../functions/src/offline/work/worker-handler';
import { claimEveryDueUser, dispatchDepsFor } from '../../support/dispatch';
import { emulatorFirestore } from '../../support/firestore';
import { type OfflineHarness, startOfflineHarness } from '../../support/offline-harness';
import { createTopicWithPullSubscription, emulatorPubSub } from '../../support/pubsub';
import { seedUsers } from '../../support/users';

type Line = Record<string, unknown>;
const parse = (lines: string[]): Line[] => lines.map((line) => JSON.parse(line) as Line);
const request = (body: string) => ({ method: 'POST', headers: { 'content-type': 'application/json' }, rawBody: Buffer.from(body) });

describe('one summary line per dispatcher invocation, every line carrying its shard', () => {
  let pubsub: PubSub;
  beforeAll(() => {
    pubsub = emulatorPubSub('offline-access-test');
  });
  afterAll(() => pubsub.close());

  async function setup(label: string, env: Record<string, string> = {}) {
    const db = emulatorFirestore(label);
    const { topic } = await createTopicWithPullSubscription(pubsub);
    const lines: string[] = [];
    const deps = dispatchDepsFor(db, pubsub, { topic: topic.name.split('/').pop()!, env: { DUE_SHARDS: '4', ...env }, logger: createLogger({}, (line) => lines.push(line)) });
    return { db, deps, handler: createDispatchHandler(deps), lines };
  }

  it('a shard run: shard, dispatched, truncated, how far behind the oldest due user is, the duration', async () => {
    const { db, handler, lines } = await setup('summary-shard', { MAX_USERS_PER_RUN: '3', OFFLINE_WORK_INTERVAL: '3600' });
    const twoHoursAgo = Date.now() - 7_200_000;
    await seedUsers(db, 5, (i) => ({ shard: 2, nextRunAt: Timestamp.fromMillis(twoHoursAgo + i * 60_000) }));
    await seedUsers(db, 2, () => ({ shard: 1 }), 'users', 'other');
    expect((await handler(request('{"shard": 2}'))).body).toEqual({ shard: 2, dispatched: 3, batches: 1, truncated: true });

    const logged = parse(lines);
    const summaries = logged.filter((line) => line.summary === 'dispatcher');
    expect(summaries).toHaveLength(1);
    expect(summaries[0]).toMatchObject({ severity: 'INFO', trigger: 'shard', shard: 2, shards: [2], dispatched: 3, truncated: true, truncatedShards: [2] });
    expect(summaries[0]!.oldestDueSeconds).toBeGreaterThanOrEqual(7199);
    expect(summaries[0]!.oldestDueSeconds).toBeLessThan(7230);
    expect(summaries[0]!.behindIntervals).toBeCloseTo(2, 1);
    expect(typeof summaries[0]!.durationMs).toBe('number');
    for (const line of logged) expect(line.shard).toBe(2);

    const runs = await readDispatcherRuns(db, 'users', 4);
    expect(runs.shards[2]).toMatchObject({ trigger: 'shard', dispatched: 3, truncated: true });
    expect(runs.shards[1]).toBeUndefined();
    await db.terminate();
  });

  it('a tick that claims every shard itself: one line for all of them', async () => {
    const { db, handler, lines } = await setup('summary-tick');
    await seedUsers(db, 6, (i) => ({ shard: i % 3 }));
    await handler(request('{}'));
    const summaries = parse(lines).filter((line) => line.summary === 'dispatcher');
    expect(summaries).toHaveLength(1);
    expect(summaries[0]).toMatchObject({ trigger: 'tick', shards: [0, 1, 2, 3], dispatched: 6, truncated: false, truncatedShards: [] });
    expect(summaries[0]!.oldestDueSeconds).toBeGreaterThanOrEqual(59);
    const runs = await readDispatcherRuns(db, 'users', 4);
    expect(runs.tick).toMatchObject({ shards: 4, fannedOut: false });
    expect(runs.shards.map((run) => run?.dispatched)).toEqual([2, 2, 2, 0]);
    await db.terminate();
  });

  it('a failed run ends with its summary line too, marked failed', async () => {
    const { db, handler, lines } = await setup('summary-failed');
    await expect(handler(request('{"shard": 9}'))).rejects.toMatchObject({ code: 'invalid_request' });
    const summaries = parse(lines).filter((line) => line.summary === 'dispatcher');
    expect(summaries).toEqual([expect.objectContaining({ severity: 'WARNING', trigger: 'shard', shard: 9, failed: true, errorCode: 'invalid_request' })]);
    await db.terminate();
  });
});

describe('one summary line per worker invocation, every line carrying the message id and user', () => {
  let h: OfflineHarness;
  beforeAll(async () => {
    h = await startOfflineHarness('worker-summary');
  });
  afterAll(() => h.close());

  const event = (data: unknown, messageId: string) =>
    ({ id: `event-${messageId}`, data: { message: { data: Buffer.from(JSON.stringify(data)).toString('base64'), messageId } } }) as unknown as CloudEvent<never>;

  it('done, skipped by reason, failed by code, reauth_required, photos enhanced and the duration', async () => {
    await h.connect('sum-ann', 2);
    await h.connect('sum-rev', 1);
    await h.db.collection('users').doc('sum-rev').update({ accessTokenExpiresAt: new Date(0) });
    h.sandbox.admin.revokeGrant('sum-rev');
    const users = [...(await claimEveryDueUser(h.db)), { userId: 'sum-ghost', dispatchId: 'd' }];
    const before = h.logs.length;
    await createWorkerHandler(h.workerDeps(), h.workerDeps().logger)(event({ v: 1, users }, 'msg-42'));

    const logged = parse(h.logs.slice(before));
    const summaries = logged.filter((line) => line.summary === 'worker');
    expect(summaries).toHaveLength(1);
    expect(summaries[0]).toMatchObject({
      message: 'Offline work batch finished',
      messageId: 'msg-42',
      users: 3,
      done: 1,
      skipped: 1,
      skippedBy: { missing: 1 },
      failed: 0,
      failedBy: {},
      reauth_required: 1,
      photosEnhanced: 2,
    });
    expect(typeof summaries[0]!.durationMs).toBe('number');
    for (const line of logged) expect(line.messageId).toBe('msg-42');
    const perUser = logged.filter((line) => line.summary === undefined);
    expect(perUser.length).toBeGreaterThan(0);
    for (const line of perUser) expect(['sum-ann', 'sum-rev', 'sum-ghost']).toContain(line.userId);
    expect(perUser.find((line) => line.errorCode === 'reauth_required')).toMatchObject({ userId: 'sum-rev', reauthReason: 'invalid_grant' });
  });

  it('a malformed message: its summary line, with nothing done', async () => {
    const before = h.logs.length;
    await createWorkerHandler(h.workerDeps(), h.workerDeps().logger)(event({ nope: true }, 'msg-bad'));
    const summaries = parse(h.logs.slice(before)).filter((line) => line.summary === 'worker');
    expect(summaries).toEqual([expect.objectContaining({ messageId: 'msg-bad', users: 0, done: 0, malformed: true })]);
  });
});
