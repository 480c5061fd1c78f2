import { randomUUID } from 'node:crypto';
import { Timestamp } from '@google-cloud/firestore';
import type { PubSub } from '@google-cloud/pubsub';
import { USER_EVENTS_COLLECTION } from '../../../functions/src/events/outbox';
import { waitUntil } from '../../../scripts/lib/ports';
import { type FunctionUnderTest, newTestProjectId } from '../../support/function-process';
import { emulatorPubSub } from '../../support/pubsub';
import { FULL_SCOPES } from '../../support/sandbox';
import { startBlackhole } from '../../support/blackhole';
import { type LifecycleKit, startLifecycleKit } from '../lifecycle/lifecycle-kit';
import { collectEvents, type EventCollector, expectValidUserEvent } from './events-kit';

/**
 * Never lost: an exchange killed (SIGKILL) after its Firestore write and before Pub/Sub accepted
 * the event leaves the event in the outbox, and the dispatcher's tick publishes it, once, when
 * it is a minute old. The kill is placed by configuration only: the exchange's Pub/Sub
 * (PUBSUB_EMULATOR_HOST) is a server that never answers, so the function is stuck in its publish.
 */
describe('an event whose function died before publishing it', () => {
  let kit: LifecycleKit;
  let pubsub: PubSub;
  let events: EventCollector;
  let blackhole: Awaited<ReturnType<typeof startBlackhole>>;
  let dispatcher: FunctionUnderTest;
  const projectId = newTestProjectId('crash');

  beforeAll(async () => {
    pubsub = emulatorPubSub(projectId);
    events = await collectEvents(pubsub, 'crash');
    const workTopic = `work-${randomUUID().slice(0, 8)}`;
    await pubsub.createTopic(workTopic);
    blackhole = await startBlackhole();
    kit = await startLifecycleKit('crash', { USER_EVENTS_TOPIC: events.topicId, OFFLINE_WORK_TOPIC: workTopic }, projectId);
    dispatcher = await kit.start('dispatchOfflineWork');
  }, 60_000);

  afterAll(async () => {
    await events?.close();
    await kit?.close();
    await pubsub?.close();
    await blackhole?.close();
  });

  const outbox = () => kit.db.collection(USER_EVENTS_COLLECTION);
  const tick = async () => expect((await fetch(dispatcher.url, { method: 'POST' })).status).toBe(200);

  it('is published by the next tick once it is a minute old, exactly once', async () => {
    const exchange = await kit.start('exchangeAuthCode', { PUBSUB_EMULATOR_HOST: blackhole.hostPort });
    const { code } = kit.sandbox.admin.mintCode({ sub: 'kim', email: 'kim@example.com', scopes: FULL_SCOPES, forceConsent: true });
    const signIn = fetch(exchange.url, { method: 'POST', headers: { 'content-type': 'application/json', 'x-requested-with': 'test' }, body: JSON.stringify({ code }) }).then(
      (response) => response.status,
      () => 'connection lost',
    );
    await waitUntil(async () => !(await outbox().where('userId', '==', 'kim').get()).empty, 'the outbox entry', 10_000);
    exchange.kill();
    expect(await signIn).toBe('connection lost');

    const user = await kit.user('kim');
    expect(user).toMatchObject({ status: 'active', eventSequence: 1 });
    const [entry] = (await outbox().where('userId', '==', 'kim').get()).docs;
    expect(entry?.get('unsent')).toBe(true);

    await tick(); // younger than a minute: its own function might still be publishing it
    expect(await events.take(0, { quietMs: 1_000 })).toEqual([]);

    await entry!.ref.update({ attemptAt: Timestamp.fromMillis(Date.now() - 61_000) }); // a minute passes
    await tick();
    const [published, ...more] = await events.take(1);
    expect(more).toEqual([]);
    expectValidUserEvent(published!, projectId);
    expect(published!.event).toMatchObject({ id: entry!.id, type: 'dev.offlineaccess.user.connected.v1', subject: 'kim', data: { sequence: 1 } });
    expect(published!.raw).toBe(entry!.get('body'));
    expect((await entry!.ref.get()).get('unsent')).toBeUndefined();

    await tick();
    await tick();
    expect(await events.take(0)).toEqual([]);
    expect(dispatcher.logs.some((line) => line.includes('Published a user event its function left unsent'))).toBe(true);
  });

  it('a publish Pub/Sub refuses does not fail the change: 200 for the sign-in, the tick publishes the event later', async () => {
    const missingTopic = `events-later-${randomUUID().slice(0, 8)}`;
    const exchange = await kit.start('exchangeAuthCode', { USER_EVENTS_TOPIC: missingTopic });
    const { code } = kit.sandbox.admin.mintCode({ sub: 'lou', email: 'lou@example.com', scopes: FULL_SCOPES, forceConsent: true });
    const response = await fetch(exchange.url, { method: 'POST', headers: { 'content-type': 'application/json', 'x-requested-with': 'test' }, body: JSON.stringify({ code }) });
    expect(response.status).toBe(200);
    await waitUntil(async () => exchange.logs.some((line) => line.includes('could not be published now')), 'the warning', 10_000);
    const warning = exchange.logs.find((line) => line.includes('could not be published now'))!;
    expect(JSON.parse(warning)).toMatchObject({ severity: 'WARNING', grpcStatus: 'NOT_FOUND', userId: 'lou', sequence: 1 });

    const later = await collectEvents(pubsub, 'later', missingTopic); // the operator creates the topic
    const sweeper = await kit.start('dispatchOfflineWork', { USER_EVENTS_TOPIC: missingTopic });
    const [entry] = (await outbox().where('userId', '==', 'lou').get()).docs;
    await entry!.ref.update({ attemptAt: Timestamp.fromMillis(Date.now() - 61_000) });
    expect((await fetch(sweeper.url, { method: 'POST' })).status).toBe(200);
    const got = await later.take(1);
    await later.close();
    expect(got.map((r) => [r.event.id, r.event.subject, r.event.data.sequence])).toEqual([[entry!.id, 'lou', 1]]);
  });
});
