import { errorOf, type PhotosKit, pickItem, startPhotosKit } from './photos-test-kit';

/** The photos-* admin calls over HTTP (/__admin/<name>), as the demo and scripts use them. */
describe('sandbox Photos: HTTP admin API', () => {
  let kit: PhotosKit;
  beforeAll(async () => {
    kit = await startPhotosKit();
  });
  afterAll(() => kit.close());
  beforeEach(() => kit.sandbox.admin.reset());

  it('plays a pick, lists sessions, expires one, and reports stats and faults', async () => {
    const token = kit.tokenFor('ann');
    const sessionId = await kit.newSession(token);
    const picked = await kit.admin('POST', 'photos-pick', { sessionId, items: [pickItem('a.png', Buffer.from('one')), { ...pickItem('b.mp4', Buffer.from('two'), 'video/mp4'), type: 'VIDEO' }] });
    expect(picked.status).toBe(200);
    expect(picked.json).toEqual({ mediaItemIds: [expect.any(String), expect.any(String)] });
    expect((await kit.call('picker', token, 'GET', `/v1/sessions/${sessionId}`)).json).toMatchObject({ mediaItemsSet: true });

    const sessions = await kit.admin('GET', 'photos-sessions?sub=ann');
    expect(sessions.json).toEqual([{ id: sessionId, mediaItemsSet: true, expireTime: expect.any(String), deleted: false, pickedCount: 2 }]);
    expect((await kit.admin('POST', 'photos-expire-session', { sessionId })).status).toBe(200);
    expect((await kit.call('picker', token, 'GET', `/v1/sessions/${sessionId}`)).status).toBe(403);

    expect((await kit.admin('POST', 'set-faults', { photos: { failNext: { count: 1, status: 500, method: 'uploads' } } })).status).toBe(200);
    expect((await kit.admin('GET', 'faults')).json).toEqual({ photos: { failNext: { count: 1, status: 500, method: 'uploads' } } });
    expect((await kit.admin('GET', 'stats')).json).toMatchObject({ tokenRequests: 0, photos: { calls: { 'sessions.create': 1, 'sessions.get': 2 }, users: { ann: { totalCalls: 3 } } } });
  });

  it('sets the session timing and reads back album contents over HTTP', async () => {
    expect((await kit.admin('POST', 'photos-set-session-timing', { pollIntervalSeconds: 1, timeoutInSeconds: 30 })).status).toBe(200);
    const token = kit.tokenFor('ann');
    expect((await kit.call('picker', token, 'POST', '/v1/sessions', {})).json).toMatchObject({ pollingConfig: { pollInterval: '1s', timeoutIn: '30s' } });
    const album = (await kit.call('library', token, 'POST', '/v1/albums', { album: { title: 'Enhanced' } })).json as { id: string };
    const uploadToken = await kit.upload(token, Buffer.from('enhanced bytes'), 'image/jpeg');
    await kit.call('library', token, 'POST', '/v1/mediaItems:batchCreate', { albumId: album.id, newMediaItems: [{ simpleMediaItem: { uploadToken, fileName: 'x.jpg' } }] });
    const albums = await kit.admin('GET', 'photos-albums?sub=ann');
    expect(albums.json).toEqual([
      { id: album.id, title: 'Enhanced', mediaItems: [{ id: expect.any(String), filename: 'x.jpg', description: '', mimeType: 'image/jpeg', bytes: 14, sha256: expect.stringMatching(/^[0-9a-f]{64}$/) }] },
    ]);
    expect((await kit.admin('POST', 'reset', {})).status).toBe(200);
    expect((await kit.admin('GET', 'photos-albums?sub=ann')).json).toEqual([]);
  });

  it.each([
    ['photos-pick', { sessionId: 'nope', items: [pickItem('a.png', Buffer.from('x'))] }, 404, 'session_not_found'],
    ['photos-pick', { sessionId: 'nope', items: [] }, 400, 'invalid_argument'],
    ['photos-pick', { sessionId: 'nope', items: [{ filename: 'a', mimeType: 'image/png', base64: '***' }] }, 400, 'invalid_argument'],
    ['photos-expire-session', { sessionId: 'nope' }, 404, 'session_not_found'],
    ['photos-set-session-timing', { pollIntervalSeconds: 0 }, 400, 'invalid_argument'],
    ['set-faults', { photos: { rateLimitRate: 2 } }, 400, 'invalid_argument'],
  ])('refuses %s %j with a stable reason', async (name, body, status, reason) => {
    const answer = await kit.admin('POST', name, body);
    expect(answer.status).toBe(status);
    expect(errorOf(answer)).toMatchObject({ errors: [{ reason }] });
  });

  it('refuses photos-sessions without a sub', async () => {
    expect(errorOf(await kit.admin('GET', 'photos-sessions'))).toMatchObject({ code: 400, errors: [{ reason: 'invalid_argument' }] });
  });
});
