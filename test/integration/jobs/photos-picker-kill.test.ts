import { randomUUID } from 'node:crypto';
import { Timestamp } from '@google-cloud/firestore';
import { type PhotoItemDoc, photoItems, type PhotoSessionDoc, photoSessions } from '../../../functions/src/google-photos/session-store';
import { runBatch } from '../../../functions/src/offline/work/run-batch';
import { waitUntil } from '../../../scripts/lib/ports';
import { type FunctionUnderTest, startFunctionUnderTest } from '../../support/function-process';
import { type OfflineHarness, startOfflineHarness } from '../../support/offline-harness';
import { openPickerSession, PHOTOS_USER_SCOPES, pickTwoPhotosAndAVideo } from '../../support/photos';
import { type InterceptMode, startPhotosProxy } from '../../support/photos-proxy';

type Mode = Extract<InterceptMode, 'hold' | 'swallow'>;

/** Killing the worker (SIGKILL) between an upload and its batchCreate never makes a second copy. */
describe('a worker killed around batchCreate', () => {
  let h: OfflineHarness;
  beforeAll(async () => {
    h = await startOfflineHarness('photos-kill');
  });
  afterAll(async () => {
    await h.close();
  });

  it.each<[Mode, string]>([
    ['hold', 'before the create reaches Google'],
    ['swallow', 'after Google made the items, before its answer arrived'],
  ])('%s: killed %s, the next run leaves exactly one copy of each photo', async (mode) => {
    const sub = `kill-${mode}`;
    await h.connect(sub, 0, PHOTOS_USER_SCOPES);
    const sessionId = await openPickerSession(h.sandbox, h.db, sub);
    await pickTwoPhotosAndAVideo(h.sandbox, sessionId);
    // The first batchCreate is held before Google (`hold`) or its answer swallowed after Google made the items (`swallow`).
    const proxy = await startPhotosProxy(h.sandbox.endpoints.photosLibraryRootUrl, mode, (request) => request.url!.includes('mediaItems:batchCreate'));
    let worker: FunctionUnderTest | undefined;
    try {
      worker = await startFunctionUnderTest('runOfflineWork', h.sandbox, {
        GOOGLE_CLOUD_PROJECT: h.projectId,
        TOKEN_KEY_FILE: h.env.TOKEN_KEY_FILE,
        PHOTOS_LIBRARY_ROOT_URL: proxy.url,
      });
      await h.db.collection('users').doc(sub).update({ dispatch: { id: 'first', at: Timestamp.now() } });
      const data = Buffer.from(JSON.stringify({ v: 1, users: [{ userId: sub, dispatchId: 'first' }] })).toString('base64');
      const delivery = fetch(`${worker.url}projects/${h.projectId}/topics/work`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ message: { data, messageId: randomUUID(), attributes: {} }, subscription: `projects/${h.projectId}/subscriptions/work-push` }),
      }).catch(() => 'connection lost');
      await proxy.intercepted;
      worker.kill();
      expect(await delivery).toBe('connection lost');
    } finally {
      await worker?.stop().catch(() => undefined);
      await proxy.close();
    }
    const session = photoSessions(h.db, 'users', sub).doc(sessionId);
    const states = async () => (await photoItems(session).get()).docs.map((doc) => (doc.data() as PhotoItemDoc).state).sort();
    expect(await states()).toEqual(['creating', 'creating', 'skipped']);
    const madeByTheDeadRun = h.sandbox.admin.photosAlbums(sub).flatMap((album) => album.mediaItems).length;
    expect(madeByTheDeadRun).toBe(mode === 'hold' ? 0 : 2);

    // The dead run's lease has expired (LEASE_SECONDS later); the next dispatch runs the user.
    const later = () => new Date(Date.now() + 11 * 60_000);
    await h.db.collection('users').doc(sub).update({ dispatch: { id: 'second', at: Timestamp.now() } });
    const result = await runBatch({ v: 1, users: [{ userId: sub, dispatchId: 'second' }] }, later().getTime() + 60_000, { ...h.workerDeps({ now: later }), owner: 'second' });
    expect(result.outcomes[0]).toMatchObject({ status: 'done' });

    const albums = h.sandbox.admin.photosAlbums(sub);
    expect(albums.map((album) => [album.title, album.mediaItems.length])).toEqual([['Enhanced', 2]]);
    expect(new Set(albums[0]!.mediaItems.map((m) => m.filename)).size).toBe(2);
    expect(await states()).toEqual(['added', 'added', 'skipped']);
    await waitUntil(async () => ((await session.get()).data() as PhotoSessionDoc).state === 'done', 'the session done', 5_000);
  });
});
