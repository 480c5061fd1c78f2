import { Firestore } from '@google-cloud/firestore';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import sharp from 'sharp';
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
 * processes, the Pub/Sub emulator pushing shard messages to the dispatcher and work batches to the
 * worker exactly as the local stack does, Firestore, and the sandbox Google. A user signs in, puts
 * photos in Drive, a scheduler tick later they are enhanced.
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
    const dispatchTopic = `dispatch-${randomUUID().slice(0, 8)}`;
    const shared = { GOOGLE_CLOUD_PROJECT: projectId, TOKEN_KEY_FILE: newKeyFile(), OFFLINE_WORK_TOPIC: topic, DISPATCH_TOPIC: dispatchTopic, DUE_SHARDS: '4' };
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
    // The dispatch topic pushes each {"shard": s} message, in Pub/Sub's push envelope, to the dispatcher itself.
    const [shards] = await pubsub.createTopic(dispatchTopic);
    await shards.createSubscription(`${dispatchTopic}-push`, { pushConfig: { pushEndpoint: dispatcher.url }, ackDeadlineSeconds: 60 });
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
    expect(await tick.json()).toEqual({ shards: 4 });

    const enhanced = (sub: string) => sandbox.drive.listFiles(sub).filter((f) => f.appProperties?.derivedFrom);
    await waitUntil(async () => enhanced('e2e-ann').length === 1 && enhanced('e2e-ben').length === 2, 'enhanced results', 30_000);
    await waitUntil(async () => ((await db.collection('users').doc('e2e-ben').get()).data() as UserRecord).lastRunAt !== undefined, 'recorded run', 10_000);

    const ben = (await db.collection('users').doc('e2e-ben').get()).data() as UserRecord;
    expect(ben).toMatchObject({ status: 'active', lastSummary: expect.objectContaining({ enhanced: 2 }) });
    expect(ben.lease).toBeUndefined();
    expect(enhanced('e2e-ben').map((f) => f.name).sort()).toEqual(['beach-enhanced.jpg', 'notes-enhanced.jpg']);

    // Each shard message reached the dispatcher and was claimed by its own invocation.
    const shardRuns = () => dispatcher.logs.filter((line) => line.includes('Shard dispatched'));
    await waitUntil(async () => shardRuns().length === 4, 'four shard runs', 10_000);
    expect(shardRuns().map((line) => (JSON.parse(line) as { dispatched: number }).dispatched).reduce((a, b) => a + b, 0)).toBe(2);
    // The next tick finds nobody due: the users are scheduled an interval later.
    expect(await (await fetch(dispatcher.url, { method: 'POST' })).json()).toEqual({ shards: 4 });
    await waitUntil(async () => shardRuns().length === 8, 'four more shard runs', 10_000);
    expect(shardRuns().slice(4).map((line) => (JSON.parse(line) as { dispatched: number }).dispatched)).toEqual([0, 0, 0, 0]);
    const batches = worker.logs.filter((line) => line.includes('Offline work batch finished')).map((line) => JSON.parse(line) as { done: number });
    expect(batches.reduce((sum, batch) => sum + batch.done, 0)).toBe(2);
  });

  it('enhances an iPhone HEIC (tiled grid, thumbnail, rotation, Exif with GPS) into a JPEG without metadata', async () => {
    await signIn('e2e-cat');
    const heic = readFileSync(join(__dirname, '..', '..', '..', 'sandbox', 'fixtures', 'photos', 'iphone-grid-rotated-gps.heic'));
    // Named and typed as an app might upload it: the bytes, not these, decide how it is read.
    const source = sandbox.drive.putFile('e2e-cat', { name: 'IMG_0042.HEIC', mimeType: 'image/heic', content: heic });

    expect((await fetch(dispatcher.url, { method: 'POST' })).status).toBe(200);

    const results = () => sandbox.drive.listFiles('e2e-cat', { includeContent: true }).filter((f) => f.appProperties?.derivedFrom === source.id);
    // The result is uploaded first and the source marked with its id a moment later: wait for both.
    const sourceMark = () => sandbox.drive.listFiles('e2e-cat').find((f) => f.id === source.id)?.appProperties?.enhancedId;
    await waitUntil(async () => results().length === 1 && sourceMark() !== undefined, 'the enhanced HEIC and its mark on the source', 60_000);
    const [result] = results();
    expect(result).toMatchObject({ name: 'IMG_0042-enhanced.jpg', mimeType: 'image/jpeg' });
    const jpeg = result!.content!;
    const meta = await sharp(jpeg).metadata();
    expect([meta.format, meta.width, meta.height]).toEqual(['jpeg', 240, 360]);
    expect([meta.exif, meta.xmp, meta.iptc, meta.icc]).toEqual([undefined, undefined, undefined, undefined]);
    expect(jpeg.includes(Buffer.from('Exif\0\0', 'latin1'))).toBe(false);
    expect(sandbox.drive.listFiles('e2e-cat').find((f) => f.id === source.id)?.appProperties).toMatchObject({ enhancedId: result!.id });
  });
});
