import { Firestore } from '@google-cloud/firestore';
import type { PubSub } from '@google-cloud/pubsub';
import { randomUUID } from 'node:crypto';
import { waitUntil } from '../../../scripts/lib/ports';
import type { UserRecord } from '../../../functions/src/users/user-record';
import type { SandboxGoogle } from '../../../sandbox/src/server';
import { type FunctionUnderTest, newKeyFile, newTestProjectId, startFunctionUnderTest } from '../../support/function-process';
import { testPhoto } from '../../support/images';
import { emulatorPubSub } from '../../support/pubsub';
import { FULL_SCOPES, startTestSandbox } from '../../support/sandbox';

/**
 * The whole product as deployed, on one machine: the three functions as functions-framework
 * processes, the Pub/Sub emulator pushing to the worker exactly as the local stack does, Firestore,
 * and the sandbox Google. A user signs in, puts photos in Drive, a scheduler tick later they are enhanced.
 */
describe('end to end through Pub/Sub push', () => {
  let sandbox: SandboxGoogle;
  let pubsub: PubSub;
  let db: Firestore;
  const fns: FunctionUnderTest[] = [];
  let exchange: FunctionUnderTest;
  let dispatcher: FunctionUnderTest;
  let worker: FunctionUnderTest;

  beforeAll(async () => {
    sandbox = await startTestSandbox();
    const projectId = newTestProjectId('e2e');
    const topic = `work-${randomUUID().slice(0, 8)}`;
    const shared = { GOOGLE_CLOUD_PROJECT: projectId, TOKEN_KEY_FILE: newKeyFile(), OFFLINE_WORK_TOPIC: topic };
    [exchange, dispatcher, worker] = await Promise.all([
      startFunctionUnderTest('exchangeAuthCode', sandbox, shared),
      startFunctionUnderTest('dispatchOfflineWork', sandbox, shared),
      startFunctionUnderTest('runOfflineWork', sandbox, shared),
    ]);
    fns.push(exchange, dispatcher, worker);
    db = new Firestore({ projectId });
    pubsub = emulatorPubSub(projectId);
    const [created] = await pubsub.createTopic(topic);
    await created.createSubscription(`${topic}-push`, {
      pushConfig: { pushEndpoint: `${worker.url}projects/${projectId}/topics/${topic}` },
      ackDeadlineSeconds: 60,
    });
  });

  afterAll(async () => {
    await Promise.all(fns.map((fn) => fn.stop()));
    await sandbox?.close();
    await pubsub?.close();
    await db?.terminate();
  });

  async function signIn(sub: string): Promise<void> {
    const { code } = sandbox.admin.mintCode({ sub, email: `${sub}@example.com`, scopes: FULL_SCOPES, forceConsent: true });
    const response = await fetch(exchange.url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-requested-with': 'e2e' },
      body: JSON.stringify({ code }),
    });
    expect(response.status).toBe(200);
  }

  it('signs in, dispatches on a tick, and enhances the photos through push delivery', async () => {
    for (const sub of ['e2e-ann', 'e2e-ben']) {
      await signIn(sub);
      sandbox.drive.putFile(sub, { name: 'beach.jpg', mimeType: 'image/jpeg', content: await testPhoto(120, 80, { orientation: 6, gps: true }) });
    }
    sandbox.drive.putFile('e2e-ben', { name: 'notes.png', mimeType: 'image/png', content: await testPhoto(40, 40, { format: 'png' }) });

    const tick = await fetch(dispatcher.url, { method: 'POST' });
    expect(tick.status).toBe(200);
    expect(await tick.json()).toEqual({ dispatched: 2, batches: 1 });

    const enhanced = (sub: string) => sandbox.drive.listFiles(sub).filter((f) => f.appProperties?.derivedFrom);
    await waitUntil(async () => enhanced('e2e-ann').length === 1 && enhanced('e2e-ben').length === 2, 'enhanced results', 30_000);
    await waitUntil(async () => ((await db.collection('users').doc('e2e-ben').get()).data() as UserRecord).lastRunAt !== undefined, 'recorded run', 10_000);

    const ben = (await db.collection('users').doc('e2e-ben').get()).data() as UserRecord;
    expect(ben).toMatchObject({ status: 'active', lastSummary: expect.objectContaining({ enhanced: 2 }) });
    expect(ben.lease).toBeUndefined();
    expect(enhanced('e2e-ben').map((f) => f.name).sort()).toEqual(['beach-enhanced.jpg', 'notes-enhanced.jpg']);

    // The next tick finds nobody due: the users are scheduled an interval later.
    expect(await (await fetch(dispatcher.url, { method: 'POST' })).json()).toEqual({ dispatched: 0, batches: 0 });
    expect(worker.logs.join('\n')).toMatch(/"done":2/);
  });
});
