import { randomUUID } from 'node:crypto';
import { createServer, request as httpRequest, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { Timestamp } from '@google-cloud/firestore';
import { type PhotoItemDoc, photoItems, type PhotoSessionDoc, photoSessions } from '../../../functions/src/google-photos/session-store';
import { runBatch } from '../../../functions/src/offline/work/run-batch';
import { waitUntil } from '../../../scripts/lib/ports';
import { type FunctionUnderTest, startFunctionUnderTest } from '../../support/function-process';
import { type OfflineHarness, startOfflineHarness } from '../../support/offline-harness';
import { openPickerSession, PHOTOS_USER_SCOPES, pickTwoPhotosAndAVideo } from '../../support/photos';

type Mode = 'hold' | 'swallow';

/**
 * The Library API as the worker process sees it: the sandbox's, except that the first
 * `mediaItems:batchCreate` is either held unanswered without reaching Google (`hold`), or passed
 * to Google and its answer swallowed (`swallow`): the two places a kill can land around a create
 * that Google does not make idempotent. Configuration only (PHOTOS_LIBRARY_ROOT_URL).
 */
async function startLibraryProxy(target: string, mode: Mode): Promise<{ url: string; batchCreateSeen: Promise<void>; close(): Promise<void> }> {
  let seen!: () => void;
  const batchCreateSeen = new Promise<void>((resolve) => (seen = resolve));
  let intercepted = false;
  const forward = (incoming: IncomingMessage, body: Buffer, onAnswer: (status: number, headers: IncomingMessage['headers'], bytes: Buffer) => void) => {
    const upstream = new URL(`${target}${incoming.url!.replace(/^\/lib/, '')}`);
    const out = httpRequest(upstream, { method: incoming.method, headers: { ...incoming.headers, host: upstream.host } }, (answer) => {
      const chunks: Buffer[] = [];
      answer.on('data', (chunk: Buffer) => chunks.push(chunk));
      answer.on('end', () => onAnswer(answer.statusCode ?? 502, answer.headers, Buffer.concat(chunks)));
    });
    out.end(body);
  };
  const server: Server = createServer((incoming: IncomingMessage, response: ServerResponse) => {
    const chunks: Buffer[] = [];
    incoming.on('data', (chunk: Buffer) => chunks.push(chunk));
    incoming.on('end', () => {
      const body = Buffer.concat(chunks);
      if (!intercepted && incoming.url!.includes('mediaItems:batchCreate')) {
        intercepted = true;
        if (mode === 'hold') return seen();
        return forward(incoming, body, () => seen());
      }
      forward(incoming, body, (status, headers, bytes) => {
        response.writeHead(status, { 'content-type': headers['content-type'] ?? 'application/octet-stream' });
        response.end(bytes);
      });
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  if (address === null || typeof address === 'string') throw new Error('no address');
  return {
    url: `http://127.0.0.1:${address.port}/lib`,
    batchCreateSeen,
    close: () => {
      server.closeAllConnections();
      return new Promise((resolve) => server.close(() => resolve()));
    },
  };
}

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
    const proxy = await startLibraryProxy(h.sandbox.endpoints.photosLibraryRootUrl, mode);
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
      await proxy.batchCreateSeen;
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
