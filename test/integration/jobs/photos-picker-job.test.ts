import { Timestamp } from '@google-cloud/firestore';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { createWeightedBudget } from '../../../functions/src/concurrency/weighted-budget';
import type { PubSub } from '@google-cloud/pubsub';
import { createMessagePublisher } from '../../../functions/src/events/message-publisher';
import { userEventSource } from '../../../functions/src/events/user-event';
import { createUserEvents, USER_EVENTS_OFF } from '../../../functions/src/events/user-events';
import { type PhotoItemDoc, photoItems, type PhotoSessionDoc, photoSessions } from '../../../functions/src/google-photos/session-store';
import { loadPhotosConfig } from '../../../functions/src/google-photos/photos-config';
import type { OfflineJob } from '../../../functions/src/jobs/offline-job';
import { createPhotosPickerJob } from '../../../functions/src/jobs/photos-picker';
import { PHOTO_LIMITS } from '../../../functions/src/photos';
import { createLogger } from '../../../functions/src/logging/logger';
import { runBatch } from '../../../functions/src/offline/work/run-batch';
import { type OfflineHarness, startOfflineHarness } from '../../support/offline-harness';
import { testPhoto } from '../../support/images';
import { openPickerSession, PHOTOS_USER_SCOPES, pickTwoPhotosAndAVideo } from '../../support/photos';
import { emulatorPubSub } from '../../support/pubsub';
import { collectEvents, type EventCollector, expectValidUserEvent } from '../events/events-kit';

/**
 * The Photos Picker job as the worker runs it (runBatch, the real lease and final write) against
 * the sandbox's Picker and Library APIs and the Firestore emulator: polling while the user picks,
 * then each picked photo enhanced into the app's album exactly once.
 */
describe('the Google Photos Picker job', () => {
  const project = 'photos-picker-job-test';
  let pubsub: PubSub;
  let events: EventCollector;
  let h: OfflineHarness;
  let dispatches = 0;

  beforeAll(async () => {
    pubsub = emulatorPubSub(project);
    events = await collectEvents(pubsub, 'photos');
    const logger = createLogger({}, () => {});
    h = await startOfflineHarness('photos-picker-job', {}, (db) =>
      createUserEvents({ db, publisher: createMessagePublisher({ projectId: project, topic: events.topicId, pubsub }), source: userEventSource(project), now: () => new Date(), logger }),
    );
  });
  afterAll(async () => {
    await events.close();
    await h.close();
    await pubsub.close();
  });

  /** One worker run of `sub`, as a dispatched message would start it. */
  async function run(sub: string, jobs?: OfflineJob[]) {
    const id = `d${(dispatches += 1)}`;
    await h.db.collection('users').doc(sub).update({ dispatch: { id, at: Timestamp.now() } });
    const result = await runBatch({ v: 1, users: [{ userId: sub, dispatchId: id }] }, Date.now() + 60_000, { ...h.workerDeps(jobs ? { jobs } : {}), owner: `worker-${id}` });
    return result.outcomes[0]!;
  }
  const session = async (sub: string, id: string) => (await photoSessions(h.db, 'users', sub).doc(id).get()).data() as PhotoSessionDoc;
  const items = async (sub: string, id: string) =>
    (await photoItems(photoSessions(h.db, 'users', sub).doc(id)).get()).docs.map((doc) => doc.data() as PhotoItemDoc);

  it('while the user picks, runs the user again at the session polling interval, not the hourly one', async () => {
    await h.connect('pia', 0, PHOTOS_USER_SCOPES);
    h.sandbox.admin.photosSetSessionTiming({ pollIntervalSeconds: 7 });
    const sessionId = await openPickerSession(h.sandbox, h.db, 'pia');
    const before = Date.now();
    expect(await run('pia')).toMatchObject({ status: 'done', pending: false });
    const user = await h.user('pia');
    const wait = user.nextRunAt.toMillis() - before;
    expect(wait).toBeGreaterThanOrEqual(6_000);
    expect(wait).toBeLessThan(20_000);
    expect(await session('pia', sessionId)).toMatchObject({ state: 'open' });
    expect(h.sandbox.admin.photosAlbums('pia')).toEqual([]);
  });

  it('enhances the picked photos into the Enhanced album, skips the video, deletes the session and says so once', async () => {
    await h.connect('pat', 0, PHOTOS_USER_SCOPES);
    await events.take(1); // connected
    const sessionId = await openPickerSession(h.sandbox, h.db, 'pat');
    const picked = await pickTwoPhotosAndAVideo(h.sandbox, sessionId);

    const outcome = await run('pat');
    expect(outcome).toMatchObject({ status: 'done', summary: expect.objectContaining({ photosAdded: 2, photosSkipped: 1, photoSessionsDone: 1 }) });

    const albums = h.sandbox.admin.photosAlbums('pat');
    expect(albums.map((album) => [album.title, album.mediaItems.length])).toEqual([['Enhanced', 2]]);
    for (const media of albums[0]!.mediaItems) {
      expect(media.mimeType).toBe('image/jpeg');
      expect(media.filename).toMatch(/^IMG_000[12]-enhanced-[0-9a-f]{16}\.jpg$/);
    }
    expect(h.sandbox.admin.photosSessions('pat')).toEqual([expect.objectContaining({ id: sessionId, deleted: true })]);
    expect(await session('pat', sessionId)).toMatchObject({ state: 'done', counts: { picked: 3, added: 2, skipped: 1, failed: 0 } });
    const byId = new Map((await items('pat', sessionId)).map((item) => [item.pickedId, item]));
    expect(byId.get(picked[1]!)).toMatchObject({ state: 'skipped', skipReason: 'video' });
    expect([byId.get(picked[0]!)?.state, byId.get(picked[2]!)?.state]).toEqual(['added', 'added']);
    expect((await h.user('pat')).lastPhotoSession).toMatchObject({ sessionId, outcome: 'done', counts: { picked: 3, added: 2, skipped: 1, failed: 0 } });

    const [event] = await events.take(1);
    expectValidUserEvent(event!, project);
    expect(event!.event.type).toBe('dev.offlineaccess.photos.session_done.v1');
    expect(event!.event.data).toMatchObject({ userId: 'pat', status: 'active', reason: 'photos_picker', sessionId, picked: 3, added: 2, skipped: 1, failed: 0, sequence: 2 });

    // The next run finds nothing open: nothing more is made, and the user is back on the hourly interval.
    const before = Date.now();
    expect(await run('pat')).toMatchObject({ status: 'done' });
    expect(h.sandbox.admin.photosAlbums('pat')[0]!.mediaItems).toHaveLength(2);
    expect((await h.user('pat')).nextRunAt.toMillis() - before).toBeGreaterThan(3000 * 1000);
  });

  it('a session created while the user is being run is polled at its interval: the run does not push it back an hour', async () => {
    await h.connect('pip', 0, PHOTOS_USER_SCOPES);
    const user = h.db.collection('users').doc('pip');
    // What createPhotoPickerSession writes while a worker holds the user: a session, and nextRunAt at its polling interval.
    const opensASession: OfflineJob = {
      name: 'opens-a-session',
      requiredScopes: [],
      async run() {
        await openPickerSession(h.sandbox, h.db, 'pip');
        await user.update({ nextRunAt: Timestamp.fromMillis(Date.now() + 7_000) });
        return { cursor: {}, summary: {}, done: true };
      },
    };
    await user.update({ dispatch: { id: 'mid-run', at: Timestamp.now() } });
    const before = Date.now();
    const result = await runBatch({ v: 1, users: [{ userId: 'pip', dispatchId: 'mid-run' }] }, Date.now() + 60_000, { ...h.workerDeps({ jobs: [opensASession] }), owner: 'worker-mid-run' });
    expect(result.outcomes[0]).toMatchObject({ status: 'done' });
    const wait = (await h.user('pip')).nextRunAt.toMillis() - before;
    expect(wait).toBeLessThan(10_000);
    expect((await h.user('pip')).lease).toBeUndefined();
  });

  it('a grant revoked while a session is open: the run marks the user reauth_required and makes nothing', async () => {
    await h.connect('pax', 0, PHOTOS_USER_SCOPES);
    const sessionId = await openPickerSession(h.sandbox, h.db, 'pax');
    await pickTwoPhotosAndAVideo(h.sandbox, sessionId);
    // Google revokes the grant's access tokens with it: the Picker answers 401, the refresh invalid_grant.
    h.sandbox.admin.revokeGrant('pax');
    expect(await run('pax')).toMatchObject({ status: 'reauth_required' });
    expect(await h.user('pax')).toMatchObject({ status: 'reauth_required' });
    expect(h.sandbox.admin.photosAlbums('pax')).toEqual([]);
  });

  it('Google rate-limiting the Photos calls: the run backs off at least as long as Retry-After, nothing made twice', async () => {
    await h.connect('pry', 0, PHOTOS_USER_SCOPES);
    const sessionId = await openPickerSession(h.sandbox, h.db, 'pry');
    await pickTwoPhotosAndAVideo(h.sandbox, sessionId);
    // A Retry-After longer than PHOTOS_MAX_RETRY_DELAY_MS (10 s) is not waited in-call: the user is backed off instead.
    h.sandbox.admin.setFaults({ photos: { failNext: { count: 20, status: 429, retryAfterSeconds: 30, method: 'mediaItems.list' } } });
    const before = Date.now();
    expect(await run('pry')).toMatchObject({ status: 'failed', errorCode: 'upstream_rate_limited' });
    expect((await h.user('pry')).nextRunAt.toMillis() - before).toBeGreaterThanOrEqual(30_000);
    h.sandbox.admin.setFaults({});
    expect(await run('pry')).toMatchObject({ status: 'done' });
    expect(h.sandbox.admin.photosAlbums('pry')[0]!.mediaItems).toHaveLength(2);
  });

  it('a session that expires before the user picks ends as expired, with its event', async () => {
    await h.connect('pez', 0, PHOTOS_USER_SCOPES);
    await events.take(1);
    const sessionId = await openPickerSession(h.sandbox, h.db, 'pez');
    h.sandbox.admin.photosExpireSession(sessionId);
    expect(await run('pez')).toMatchObject({ status: 'done', summary: expect.objectContaining({ photoSessionsExpired: 1 }) });
    expect(await session('pez', sessionId)).toMatchObject({ state: 'expired', counts: { picked: 0, added: 0, skipped: 0, failed: 0 } });
    const [event] = await events.take(1);
    expect(event!.event.type).toBe('dev.offlineaccess.photos.session_expired.v1');
  });

  it('a session that expires half done is recorded expired with the counts it finished', async () => {
    await h.connect('pen', 0, PHOTOS_USER_SCOPES);
    await events.take(1);
    const sessionId = await openPickerSession(h.sandbox, h.db, 'pen');
    await pickTwoPhotosAndAVideo(h.sandbox, sessionId);
    // The run's deadline passes once its first photo is uploaded: it adds that one and stops.
    const uploads = () => h.sandbox.admin.stats().photos.calls.uploads ?? 0;
    const before = uploads();
    const jumpAfterFirstUpload = () => new Date(Date.now() + (uploads() > before ? 10 * 60_000 : 0));
    await h.db.collection('users').doc('pen').update({ dispatch: { id: 'half', at: Timestamp.now() } });
    const first = await runBatch({ v: 1, users: [{ userId: 'pen', dispatchId: 'half' }] }, Date.now() + 60_000, { ...h.workerDeps({ now: jumpAfterFirstUpload }), owner: 'worker-half' });
    expect(first.outcomes[0]).toMatchObject({ status: 'done', pending: true });
    expect(h.sandbox.admin.photosAlbums('pen')[0]!.mediaItems).toHaveLength(1);

    h.sandbox.admin.photosExpireSession(sessionId);
    expect(await run('pen')).toMatchObject({ status: 'done', summary: expect.objectContaining({ photoSessionsExpired: 1, photosAdded: 1, photosFailed: 1 }) });
    expect(await session('pen', sessionId)).toMatchObject({ state: 'expired', counts: { picked: 3, added: 1, skipped: 1, failed: 1 } });
    expect((await items('pen', sessionId)).map((item) => [item.state, item.failure ?? item.skipReason ?? null]).sort()).toEqual([
      ['added', null],
      ['failed', 'session_expired'],
      ['skipped', 'video'],
    ]);
    const [event] = await events.take(1);
    expect(event!.event).toMatchObject({ type: 'dev.offlineaccess.photos.session_expired.v1', data: { sessionId, picked: 3, added: 1, skipped: 1, failed: 1 } });
    expect(h.sandbox.admin.photosAlbums('pen')[0]!.mediaItems).toHaveLength(1);
  });

  it('a batchCreate that failed after the items were marked creating makes each copy once on the next run', async () => {
    await h.connect('pim', 0, PHOTOS_USER_SCOPES);
    const sessionId = await openPickerSession(h.sandbox, h.db, 'pim');
    await pickTwoPhotosAndAVideo(h.sandbox, sessionId);
    h.sandbox.admin.setFaults({ photos: { failNext: { count: 1, status: 503, method: 'batchCreate' } } });
    expect(await run('pim')).toMatchObject({ status: 'failed', errorCode: 'upstream_unavailable' });
    expect((await items('pim', sessionId)).filter((item) => item.state === 'creating')).toHaveLength(2);
    h.sandbox.admin.setFaults({});

    expect(await run('pim')).toMatchObject({ status: 'done' });
    const [album] = h.sandbox.admin.photosAlbums('pim');
    expect(album!.mediaItems).toHaveLength(2);
    expect(await session('pim', sessionId)).toMatchObject({ state: 'done', counts: { added: 2 } });
  });

  it('after a run that never finished, a good decode whose upload then fails leaves no count on the item', async () => {
    await h.connect('pic', 0, PHOTOS_USER_SCOPES);
    const sessionId = await openPickerSession(h.sandbox, h.db, 'pic');
    const [jpegId] = h.sandbox.admin.photosPick({
      sessionId,
      items: [{ filename: 'IMG_0005.JPG', mimeType: 'image/jpeg', base64: (await testPhoto(96, 64, { seed: 5 })).toString('base64') }],
    }).mediaItemIds;
    await h.db.collection('users').doc('pic').update({ lease: { owner: 'worker-dead', expiresAt: Timestamp.fromMillis(Date.now() - 1_000) } });
    h.sandbox.admin.setFaults({ photos: { failNext: { count: 20, status: 503, method: 'uploads' } } });
    expect(await run('pic')).toMatchObject({ status: 'failed', errorCode: 'upstream_unavailable' });
    h.sandbox.admin.setFaults({});
    const item = (await items('pic', sessionId)).find((candidate) => candidate.pickedId === jpegId);
    expect(item).toMatchObject({ state: 'picked', decoderFailures: 0 });
  });

  it(`a decoder failure leaves the item picked for the next run, and skips it after ${PHOTO_LIMITS.decodeAttempts}`, async () => {
    await h.connect('pid', 0, PHOTOS_USER_SCOPES);
    const sessionId = await openPickerSession(h.sandbox, h.db, 'pid');
    const heic = readFileSync(join(__dirname, '..', '..', '..', 'sandbox', 'fixtures', 'photos', 'harbour.heic')).toString('base64');
    const [heicId, jpegId] = h.sandbox.admin.photosPick({
      sessionId,
      items: [
        { filename: 'IMG_0003.HEIC', mimeType: 'image/heic', base64: heic },
        { filename: 'IMG_0004.JPG', mimeType: 'image/jpeg', base64: (await testPhoto(96, 64, { seed: 4 })).toString('base64') },
      ],
    }).mediaItemIds;
    // The HEIC decode thread is given 1 ms: it always runs out of time, which does not prove the photo bad.
    const failing = [
      createPhotosPickerJob({
        db: h.db,
        usersCollection: 'users',
        events: USER_EVENTS_OFF,
        photos: loadPhotosConfig(h.env),
        sourceBudget: createWeightedBudget(PHOTO_LIMITS.maxSourceBytesInFlight),
        maxSourceBytes: PHOTO_LIMITS.maxSourceBytes,
        enhance: { heicDecodeTimeoutMs: 1 },
      }),
    ];
    const itemOf = async (id: string) => (await items('pid', sessionId)).find((item) => item.pickedId === id);

    // The first of these runs follows one that died (its lease left behind): it counts the decode
    // before starting it, and not a second time when it fails.
    await h.db.collection('users').doc('pid').update({ lease: { owner: 'worker-dead', expiresAt: Timestamp.fromMillis(Date.now() - 1_000) } });
    for (let failure = 1; failure < PHOTO_LIMITS.decodeAttempts; failure += 1) {
      expect(await run('pid', failing)).toMatchObject({ status: 'done', pending: true });
      expect((await h.user('pid')).unfinishedRuns).toBeUndefined();
      expect(await itemOf(heicId!)).toMatchObject({ state: 'picked', decoderFailures: failure });
      expect(await session('pid', sessionId)).toMatchObject({ state: 'picked', counts: { picked: 2, added: 1, skipped: 0 } });
    }
    // Counted in advance in that first run, then taken back once its decode went well, before the upload.
    expect(await itemOf(jpegId!)).toMatchObject({ state: 'added', decoderFailures: 0 });

    expect(await run('pid', failing)).toMatchObject({ status: 'done' });
    expect(await itemOf(heicId!)).toMatchObject({ state: 'skipped', skipReason: 'unsupported_format', decoderFailures: PHOTO_LIMITS.decodeAttempts });
    expect(await session('pid', sessionId)).toMatchObject({ state: 'done', counts: { picked: 2, added: 1, skipped: 1 } });
    expect(h.sandbox.admin.photosAlbums('pid')[0]!.mediaItems).toHaveLength(1);
  });
});
