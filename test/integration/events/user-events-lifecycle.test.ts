import { randomUUID } from 'node:crypto';
import { Timestamp } from '@google-cloud/firestore';
import type { PubSub } from '@google-cloud/pubsub';
import { USER_EVENTS_COLLECTION } from '../../../functions/src/events/outbox';
import { parseScopeString } from '../../../functions/src/google/scopes';
import { type FunctionUnderTest, newTestProjectId } from '../../support/function-process';
import { emulatorPubSub } from '../../support/pubsub';
import { FULL_SCOPES, grantScopesElsewhere } from '../../support/sandbox';
import { type LifecycleKit, startLifecycleKit } from '../lifecycle/lifecycle-kit';
import { collectEvents, type EventCollector, expectValidUserEvent, type ReceivedEvent, summary } from './events-kit';

/**
 * Every change of a user's offline state, made by the real functions (functions-framework
 * processes, the worker fed by a Pub/Sub push as deployed), emits exactly one CloudEvent on
 * USER_EVENTS_TOPIC, and nothing else does. A pull subscription on the emulator sees them.
 */
describe('lifecycle events on Pub/Sub', () => {
  let kit: LifecycleKit;
  let pubsub: PubSub;
  let events: EventCollector;
  let disconnectFn: FunctionUnderTest;
  let risc: FunctionUnderTest;
  let dispatcher: FunctionUnderTest;
  const all: ReceivedEvent[] = [];
  const projectId = newTestProjectId('events');
  const EXTRA_SCOPE = 'https://www.googleapis.com/auth/drive.file';
  const full = parseScopeString(FULL_SCOPES.join(' '));
  const withExtra = parseScopeString([...FULL_SCOPES, EXTRA_SCOPE].join(' '));

  beforeAll(async () => {
    pubsub = emulatorPubSub(projectId);
    events = await collectEvents(pubsub, 'lifecycle');
    const workTopic = `work-${randomUUID().slice(0, 8)}`;
    const [work] = await pubsub.createTopic(workTopic);
    kit = await startLifecycleKit('events', { USER_EVENTS_TOPIC: events.topicId, OFFLINE_WORK_TOPIC: workTopic }, projectId);
    const worker = await kit.start('runOfflineWork');
    await work.createSubscription(`${workTopic}-push`, { pushConfig: { pushEndpoint: `${worker.url}projects/${projectId}/topics/${workTopic}` }, ackDeadlineSeconds: 60 });
    [disconnectFn, risc, dispatcher] = await Promise.all([
      kit.start('disconnect'),
      kit.start('riscReceiver', { RISC_CONFIG_URL: kit.sandbox.endpoints.riscConfigUrl }),
      kit.start('dispatchOfflineWork'),
    ]);
  }, 60_000);

  afterAll(async () => {
    await events?.close();
    await kit?.close();
    await pubsub?.close();
  });

  /** The events a step caused: exactly `count` of them, each valid, in sequence order. */
  async function expectEvents(count: number, expected: ReturnType<typeof summary>[]): Promise<void> {
    const fresh = await events.take(count);
    for (const received of fresh) expectValidUserEvent(received, projectId);
    all.push(...fresh);
    expect(fresh.map(summary).sort((a, b) => a.subject.localeCompare(b.subject) || a.sequence - b.sequence)).toEqual(expected);
  }

  const disconnect = async (sub: string) => {
    const response = await fetch(disconnectFn.url, { method: 'POST', headers: { 'x-requested-with': 'test', authorization: `Bearer ${await kit.idToken(sub)}` } });
    expect(response.status).toBe(200);
  };

  /** One scheduler tick, then the worker's runs (pushed by Pub/Sub) have recorded their result. */
  async function tickAndWait(sub: string): Promise<void> {
    const before = (await kit.user(sub))?.lastRunAt?.toMillis() ?? 0;
    expect((await fetch(dispatcher.url, { method: 'POST' })).status).toBe(200);
    const deadline = Date.now() + 20_000;
    for (;;) {
      const user = await kit.user(sub);
      if (user?.status !== 'active' || (user.lastRunAt?.toMillis() ?? 0) > before) return;
      if (Date.now() > deadline) throw new Error(`no run recorded for ${sub}`);
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  }

  it('sign in, sign in again with new scopes, revoke at Google then run, sign in again, disconnect', async () => {
    await kit.connect('ada');
    await expectEvents(1, [{ type: 'connected', subject: 'ada', sequence: 1, status: 'active', reason: 'sign_in', scopes: full }]);

    await kit.connect('ada'); // the same scopes again: nothing changed, no event
    await expectEvents(0, []);

    await kit.connect('ada', [...FULL_SCOPES, EXTRA_SCOPE]);
    await expectEvents(1, [{ type: 'scopes_changed', subject: 'ada', sequence: 2, status: 'active', reason: 'sign_in', scopes: withExtra }]);

    kit.sandbox.admin.revokeGrant('ada');
    await kit.db.collection('users').doc('ada').update({ accessTokenExpiresAt: Timestamp.fromMillis(Date.now() - 1000) });
    await tickAndWait('ada');
    await expectEvents(1, [{ type: 'reauth_required', subject: 'ada', sequence: 3, status: 'reauth_required', reason: 'invalid_grant' }]);

    await kit.connect('ada'); // a new grant at Google, with the scopes asked for now
    await expectEvents(1, [{ type: 'reconnected', subject: 'ada', sequence: 4, status: 'active', reason: 'sign_in', scopes: full }]);

    await disconnect('ada');
    await expectEvents(1, [{ type: 'disconnected', subject: 'ada', sequence: 5, status: 'disconnected', reason: 'user_request' }]);
    await disconnect('ada'); // already disconnected: nothing changed
    await expectEvents(0, []);
    expect((await kit.user('ada'))?.eventSequence).toBe(5);

    await kit.connect('ada');
    await expectEvents(1, [{ type: 'reconnected', subject: 'ada', sequence: 6, status: 'active', reason: 'sign_in', scopes: full }]);
  }, 90_000); // nine steps, three of them waiting out a quiet period to prove no event came: ~26 s unloaded

  it('a refresh answered with other scopes: scopes_changed from the worker, with the reason token_refresh', async () => {
    await kit.connect('eve');
    await expectEvents(1, [{ type: 'connected', subject: 'eve', sequence: 1, status: 'active', reason: 'sign_in', scopes: full }]);
    // The user grants one more scope elsewhere (another backend exchanged that code): Google's
    // refresh answers now name it too. The worker's next run must refresh (stale access token).
    expect(await grantScopesElsewhere(kit.sandbox, 'eve', [...FULL_SCOPES, EXTRA_SCOPE])).toBe(200);
    await kit.db.collection('users').doc('eve').update({ accessTokenExpiresAt: Timestamp.fromMillis(Date.now() - 1000) });
    await tickAndWait('eve');
    await expectEvents(1, [{ type: 'scopes_changed', subject: 'eve', sequence: 2, status: 'active', reason: 'token_refresh', scopes: withExtra }]);
    expect((await kit.user('eve'))?.scopes).toEqual(withExtra);
    await kit.db.collection('users').doc('eve').update({ accessTokenExpiresAt: Timestamp.fromMillis(Date.now() - 1000), nextRunAt: Timestamp.now() });
    await tickAndWait('eve'); // the same scopes again: no event
    await expectEvents(0, []);
  });

  it('Cross-Account Protection: one reauth_required per user whose grant it stops, with the event as reason; repeats emit nothing', async () => {
    for (const sub of ['bob', 'cy', 'dee', 'fay']) await kit.connect(sub);
    await expectEvents(4, ['bob', 'cy', 'dee', 'fay'].map((subject) => ({ type: 'connected', subject, sequence: 1, status: 'active', reason: 'sign_in', scopes: full })));

    const send = (input: Parameters<typeof kit.sandbox.risc.mintSecurityEvent>[0]) => kit.sandbox.risc.sendSecurityEvent({ receiverUrl: risc.url, ...input });
    expect((await send({ event: 'tokens-revoked', sub: 'bob' })).status).toBe(202);
    expect((await send({ event: 'sessions-revoked', sub: 'cy' })).status).toBe(202);
    expect((await send({ event: 'account-disabled', sub: 'dee', reason: 'hijacking' })).status).toBe(202);
    expect((await send({ event: 'token-revoked', sub: 'fay' })).status).toBe(202);
    await expectEvents(4, [
      { type: 'reauth_required', subject: 'bob', sequence: 2, status: 'reauth_required', reason: 'risc_tokens_revoked' },
      { type: 'reauth_required', subject: 'cy', sequence: 2, status: 'reauth_required', reason: 'risc_sessions_revoked' },
      { type: 'reauth_required', subject: 'dee', sequence: 2, status: 'reauth_required', reason: 'risc_account_disabled' },
      { type: 'reauth_required', subject: 'fay', sequence: 2, status: 'reauth_required', reason: 'risc_token_revoked' },
    ]);

    // Another event for a user already stopped, one that only records, one for a stranger: no event.
    expect((await send({ event: 'sessions-revoked', sub: 'bob' })).status).toBe(202);
    expect((await send({ event: 'account-credential-change-required', sub: 'bob' })).status).toBe(202);
    expect((await send({ event: 'tokens-revoked', sub: 'stranger' })).status).toBe(202);
    await expectEvents(0, []);

    // Google redelivers a token after the user signed in again: applied once, so no second event.
    await kit.connect('bob');
    await expectEvents(1, [{ type: 'reconnected', subject: 'bob', sequence: 3, status: 'active', reason: 'sign_in', scopes: full }]);
    const { token } = await kit.sandbox.risc.mintSecurityEvent({ event: 'tokens-revoked', sub: 'bob' });
    const post = () => fetch(risc.url, { method: 'POST', headers: { 'content-type': 'application/secevent+jwt' }, body: token });
    expect((await post()).status).toBe(202);
    await expectEvents(1, [{ type: 'reauth_required', subject: 'bob', sequence: 4, status: 'reauth_required', reason: 'risc_tokens_revoked' }]);
    await kit.connect('bob');
    await expectEvents(1, [{ type: 'reconnected', subject: 'bob', sequence: 5, status: 'active', reason: 'sign_in', scopes: full }]);
    expect((await post()).status).toBe(202);
    await expectEvents(0, []);
  });

  it('a failed state change emits nothing: a refused sign-in, a used code', async () => {
    const exchange = kit.functions[0]!;
    const post = (code: string) =>
      fetch(exchange.url, { method: 'POST', headers: { 'content-type': 'application/json', 'x-requested-with': 'test' }, body: JSON.stringify({ code }) });
    const { code } = kit.sandbox.admin.mintCode({ sub: 'gus', email: 'gus@example.com', scopes: FULL_SCOPES, forceConsent: true });
    expect((await post(code)).status).toBe(200);
    await expectEvents(1, [{ type: 'connected', subject: 'gus', sequence: 1, status: 'active', reason: 'sign_in', scopes: full }]);
    expect((await kit.sandbox.risc.sendSecurityEvent({ receiverUrl: risc.url, event: 'sessions-revoked', sub: 'gus' })).status).toBe(202);
    await expectEvents(1, [{ type: 'reauth_required', subject: 'gus', sequence: 2, status: 'reauth_required', reason: 'risc_sessions_revoked' }]);
    // Google still holds the grant, so a sign-in without consent brings no refresh token:
    // 409 reconsent_required, nothing written, no event. A used code: 400 invalid_grant, nothing either.
    const { code: noConsent } = kit.sandbox.admin.mintCode({ sub: 'gus', email: 'gus@example.com', scopes: FULL_SCOPES });
    expect((await post(noConsent)).status).toBe(409);
    expect((await post(code)).status).toBe(400);
    await expectEvents(0, []);
    expect(await kit.user('gus')).toMatchObject({ status: 'reauth_required', eventSequence: 2 });
  });

  describe('across every scenario', () => {
    it('ids are unique, sequences consecutive per user, every entry marked sent with a TTL', async () => {
      expect(all.length).toBeGreaterThan(20);
      expect(new Set(all.map((r) => r.event.id)).size).toBe(all.length);
      const byUser = new Map<string, number[]>();
      for (const { event } of all) byUser.set(event.subject, [...(byUser.get(event.subject) ?? []), event.data.sequence]);
      for (const [user, sequences] of byUser) {
        expect({ user, sequences: [...sequences].sort((a, b) => a - b) }).toEqual({ user, sequences: sequences.map((_, i) => i + 1) });
        expect((await kit.user(user))?.eventSequence).toBe(sequences.length);
      }
      const outbox = await kit.db.collection(USER_EVENTS_COLLECTION).get();
      expect(outbox.size).toBe(all.length);
      for (const doc of outbox.docs) {
        expect(doc.get('unsent')).toBeUndefined();
        expect(doc.get('expireAt').toMillis()).toBeGreaterThan(Date.now() + 6 * 86_400_000);
        expect(all.find((r) => r.event.id === doc.id)?.raw).toBe(doc.get('body'));
      }
    });

    it('no token, code, email or profile in any event, nor in any log line of the functions', async () => {
      const bodies = all.map((r) => r.raw).join('\n');
      expect(bodies).not.toMatch(/@example\.com|ya29\.|1\/\/0|4\/0|"(email|name|picture|given_name|family_name|locale)"/);
      const logs = kit.functions.flatMap((fn) => fn.logs).join('\n');
      expect(logs).toContain('User event published');
      expect(logs).not.toMatch(/@example\.com|ya29\.|1\/\/0/);
    });
  });
});
