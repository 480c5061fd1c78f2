import { randomUUID } from 'node:crypto';
import { Firestore } from '@google-cloud/firestore';
import type { PubSub } from '@google-cloud/pubsub';
import { type PhotoSessionDoc, photoSessions } from '../../../functions/src/google-photos/session-store';
import type { UserRecord } from '../../../functions/src/users/user-record';
import type { SandboxGoogle } from '../../../sandbox/src/server';
import { waitUntil } from '../../../scripts/lib/ports';
import { type FunctionUnderTest, newKeyFile, newTestProjectId, startFunctionUnderTest } from '../../support/function-process';
import { PHOTOS_USER_SCOPES, pickTwoPhotosAndAVideo } from '../../support/photos';
import { emulatorPubSub } from '../../support/pubsub';
import { startTestSandbox } from '../../support/sandbox';

/**
 * Google's own offline example, through the product as deployed: a user signs in with the Photos
 * scopes, the app asks createPhotoPickerSession for a Picker session, the user picks three items
 * (one a video) in Google Photos, and on the next ticks the dispatcher, Pub/Sub push and the worker
 * put two enhanced photos in the user's "Enhanced" album and delete the session.
 */
describe('the Photos story end to end', () => {
  let sandbox: SandboxGoogle;
  let pubsub: PubSub;
  let db: Firestore;
  const fns: FunctionUnderTest[] = [];
  let exchange: FunctionUnderTest;
  let picker: FunctionUnderTest;
  let dispatcher: FunctionUnderTest;
  let worker: FunctionUnderTest;

  beforeAll(async () => {
    sandbox = await startTestSandbox();
    // The sandbox's Picker asks to be polled every second here (Google says how often in each session).
    sandbox.admin.photosSetSessionTiming({ pollIntervalSeconds: 1 });
    const projectId = newTestProjectId('photos-e2e');
    const topic = `work-${randomUUID().slice(0, 8)}`;
    const dispatchTopic = `dispatch-${randomUUID().slice(0, 8)}`;
    const shared = { GOOGLE_CLOUD_PROJECT: projectId, TOKEN_KEY_FILE: newKeyFile(), OFFLINE_WORK_TOPIC: topic, DISPATCH_TOPIC: dispatchTopic, DUE_SHARDS: '2' };
    [exchange, picker, dispatcher, worker] = await Promise.all([
      startFunctionUnderTest('exchangeAuthCode', sandbox, shared),
      startFunctionUnderTest('createPhotoPickerSession', sandbox, shared),
      startFunctionUnderTest('dispatchOfflineWork', sandbox, shared),
      startFunctionUnderTest('runOfflineWork', sandbox, shared),
    ]);
    fns.push(exchange, picker, dispatcher, worker);
    db = new Firestore({ projectId });
    pubsub = emulatorPubSub(projectId);
    const [created] = await pubsub.createTopic(topic);
    await created.createSubscription(`${topic}-push`, { pushConfig: { pushEndpoint: `${worker.url}projects/${projectId}/topics/${topic}` }, ackDeadlineSeconds: 60 });
    const [shards] = await pubsub.createTopic(dispatchTopic);
    await shards.createSubscription(`${dispatchTopic}-push`, { pushConfig: { pushEndpoint: dispatcher.url }, ackDeadlineSeconds: 60 });
  }, 60_000);

  afterAll(async () => {
    await Promise.all(fns.map((fn) => fn.stop()));
    await sandbox?.close();
    await pubsub?.close();
    await db?.terminate();
  });

  const tick = async () => expect((await fetch(dispatcher.url, { method: 'POST' })).status).toBe(200);
  /** Cloud Scheduler ticks every minute in production; here a tick a second until `probe` holds. */
  async function tickUntil(probe: () => Promise<boolean>, what: string): Promise<void> {
    for (let ticks = 0; !(await probe()); ticks += 1) {
      if (ticks >= 60) throw new Error(`${what}: not after a minute of ticks`);
      await tick();
      await new Promise((resolve) => setTimeout(resolve, 1_000));
    }
  }

  it('exchange, createPhotoPickerSession, the user picks, ticks: two enhanced photos in the album, the session deleted', async () => {
    const sub = 'photos-e2e-ann';
    const { code } = sandbox.admin.mintCode({ sub, email: `${sub}@example.com`, scopes: [...PHOTOS_USER_SCOPES], forceConsent: true });
    const signIn = await fetch(exchange.url, { method: 'POST', headers: { 'content-type': 'application/json', 'x-requested-with': 'e2e' }, body: JSON.stringify({ code }) });
    expect(signIn.status).toBe(200);
    // The hourly Drive run happens first, as for every new user.
    await tick();
    await waitUntil(async () => ((await db.collection('users').doc(sub).get()).data() as UserRecord).lastRunAt !== undefined, 'the first run', 30_000);

    const { idToken } = await sandbox.admin.mintIdToken({ claims: { sub } });
    const created = await fetch(picker.url, { method: 'POST', headers: { authorization: `Bearer ${idToken}`, 'x-requested-with': 'e2e' } });
    expect(created.status).toBe(200);
    const session = (await created.json()) as { sessionId: string; pickerUri: string; expireTime: string };
    expect(Object.keys(session).sort()).toEqual(['expireTime', 'pickerUri', 'sessionId']);
    expect(Date.parse(session.expireTime)).toBeGreaterThan(Date.now());
    // The user is due again at the session's polling interval, not in an hour.
    const due = ((await db.collection('users').doc(sub).get()).data() as UserRecord).nextRunAt.toMillis();
    expect(due - Date.now()).toBeLessThan(5_000);

    // A tick while the user is still picking: the worker looks, and comes back at the polling interval.
    await tickUntil(async () => sandbox.admin.stats().photos.calls['sessions.get'] !== undefined, 'a poll of the session');
    expect(sandbox.admin.photosAlbums(sub)).toEqual([]);

    await pickTwoPhotosAndAVideo(sandbox, session.sessionId);
    const record = () => photoSessions(db, 'users', sub).doc(session.sessionId).get().then((s) => s.data() as PhotoSessionDoc);
    await tickUntil(async () => (await record()).state === 'done', 'the session done');
    const albums = sandbox.admin.photosAlbums(sub);
    expect(albums.map((album) => [album.title, album.mediaItems.length])).toEqual([['Enhanced', 2]]);
    expect(albums[0]!.mediaItems.every((media) => media.mimeType === 'image/jpeg')).toBe(true);
    expect(sandbox.admin.photosSessions(sub)).toEqual([expect.objectContaining({ id: session.sessionId, deleted: true })]);
    expect(await record()).toMatchObject({ state: 'done', counts: { picked: 3, added: 2, skipped: 1, failed: 0 } });
    const user = (await db.collection('users').doc(sub).get()).data() as UserRecord;
    expect(user.lastPhotoSession).toMatchObject({ sessionId: session.sessionId, outcome: 'done' });
    // No token or code in any function's logs.
    for (const fn of fns) expect(fn.logs.join('\n')).not.toContain(code);
  }, 150_000);
});
