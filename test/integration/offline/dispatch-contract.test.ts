import { Firestore } from '@google-cloud/firestore';
import type { PubSub } from '@google-cloud/pubsub';
import { randomUUID } from 'node:crypto';
import type { SandboxGoogle } from '../../../sandbox/src/server';
import { type FunctionUnderTest, newTestProjectId, startFunctionUnderTest } from '../../support/function-process';
import { createTopicWithPullSubscription, drainMessages, drainWorkMessages, emulatorPubSub } from '../../support/pubsub';
import { startTestSandbox } from '../../support/sandbox';
import { seedUsers } from '../../support/users';

/** The `dispatchOfflineWork` contract (docs/api.md), over HTTP against the real function. */
describe('dispatchOfflineWork contract', () => {
  let sandbox: SandboxGoogle;
  let pubsub: PubSub;
  let direct: FunctionUnderTest;
  let fanning: FunctionUnderTest;
  let db: Firestore;
  let workTopic: string;
  let drainWork: () => Promise<string[]>;
  let drainShards: () => Promise<unknown[]>;

  beforeAll(async () => {
    sandbox = await startTestSandbox();
    const projectId = newTestProjectId('dispatch');
    pubsub = emulatorPubSub(projectId);
    const work = await createTopicWithPullSubscription(pubsub);
    const shards = await createTopicWithPullSubscription(pubsub);
    workTopic = work.topic.name.split('/').pop()!;
    drainWork = async () => (await drainWorkMessages(work.subscription)).flatMap((m) => m.users.map((u) => u.userId));
    drainShards = async () => (await drainMessages(shards.subscription)).map((data) => JSON.parse(data.toString('utf8')) as unknown);
    const env = { GOOGLE_CLOUD_PROJECT: projectId, OFFLINE_WORK_TOPIC: workTopic, DUE_SHARDS: '4' };
    [direct, fanning] = await Promise.all([
      startFunctionUnderTest('dispatchOfflineWork', sandbox, env),
      startFunctionUnderTest('dispatchOfflineWork', sandbox, { ...env, DISPATCH_TOPIC: shards.topic.name.split('/').pop()! }),
    ]);
    db = new Firestore({ projectId });
  });
  afterAll(async () => {
    await Promise.all([direct?.stop(), fanning?.stop()]);
    await sandbox?.close();
    await pubsub?.close();
    await db?.terminate();
  });

  const post = async (fn: FunctionUnderTest, body?: string, contentType = 'application/json') => {
    const response = await fetch(fn.url, { method: 'POST', headers: body === undefined ? {} : { 'content-type': contentType }, body });
    return { status: response.status, json: (await response.json()) as Record<string, unknown> };
  };
  const envelope = (data: string) =>
    JSON.stringify({ message: { data: Buffer.from(data).toString('base64'), messageId: randomUUID(), publishTime: new Date().toISOString() }, subscription: 'projects/p/subscriptions/dispatch-push' });

  it('a tick with no body or {} claims every shard itself when no dispatch topic is set', async () => {
    await seedUsers(db, 8, (i) => ({ shard: i % 4 }), 'users', 'tick');
    expect(await post(direct)).toEqual({ status: 200, json: { dispatched: 8, batches: 4, shards: 4, truncated: false } });
    expect(await post(direct, '{}')).toEqual({ status: 200, json: { dispatched: 0, batches: 0, shards: 4, truncated: false } });
    expect((await drainWork()).sort()).toHaveLength(8);
  });

  it('a tick with a dispatch topic publishes one {"shard": s} per shard and answers at once', async () => {
    expect(await post(fanning, '{}')).toEqual({ status: 200, json: { shards: 4 } });
    const published = await drainShards();
    expect(published).toHaveLength(4);
    expect(new Set(published.map((m) => JSON.stringify(m)))).toEqual(new Set(['{"shard":0}', '{"shard":1}', '{"shard":2}', '{"shard":3}']));
  });

  it('{"shard": s}, as an operator sends it or as Pub/Sub pushes it, claims that shard only', async () => {
    await seedUsers(db, 6, (i) => ({ shard: i % 2 === 0 ? 2 : 3 }), 'users', 'one');
    expect(await post(direct, '{"shard": 2}')).toEqual({ status: 200, json: { shard: 2, dispatched: 3, batches: 1, truncated: false } });
    expect(await post(fanning, envelope('{"shard":3}'))).toEqual({ status: 200, json: { shard: 3, dispatched: 3, batches: 1, truncated: false } });
    expect((await drainWork()).sort()).toEqual(['one-000000', 'one-000001', 'one-000002', 'one-000003', 'one-000004', 'one-000005']);
  });

  it.each([
    ['a shard outside the range', '{"shard": 4}'],
    ['a negative shard', '{"shard": -1}'],
    ['a shard that is not a whole number', '{"shard": 1.5}'],
    ['a shard as a string', '{"shard": "1"}'],
    ['an unknown field', '{"shard": 1, "all": true}'],
    ['malformed JSON', '{"shard"'],
    ['a JSON array', '[0]'],
    ['a push envelope of something else', envelope('{"users":[]}')],
    ['a push envelope out of range', envelope('{"shard":9}')],
    ['a push envelope whose data is not base64', '{"message": {"data": "%%%"}}'],
  ])('%s is 400 invalid_request, and nothing is claimed', async (_case, body) => {
    await seedUsers(db, 4, (i) => ({ shard: i }), 'users', 'bad');
    const answer = await post(fanning, body);
    expect(answer).toMatchObject({ status: 400, json: { error: { code: 'invalid_request' } } });
    const bad = await db.collection('users').where('status', '==', 'active').get();
    expect(bad.docs.filter((doc) => doc.id.startsWith('bad-') && doc.get('dispatch') !== undefined)).toEqual([]);
  });

  it('a body that is not JSON is 415, any method but POST is 405', async () => {
    expect(await post(direct, 'shard=1', 'application/x-www-form-urlencoded')).toMatchObject({ status: 415, json: { error: { code: 'unsupported_media_type' } } });
    const get = await fetch(direct.url);
    expect(get.status).toBe(405);
    expect(get.headers.get('allow')).toBe('POST');
  });
});
