import { testPhoto } from '../../support/images';
import { errorOf, type PhotosKit, pickItem, startPhotosKit } from './photos-test-kit';

/** Picker sessions: create, poll, pick (admin), list with paging, delete, expiry, in Google's JSON. */
describe('sandbox Photos Picker: sessions and picked items', () => {
  let kit: PhotosKit;
  beforeAll(async () => {
    kit = await startPhotosKit();
  });
  afterAll(() => kit.close());
  beforeEach(() => kit.sandbox.admin.reset());

  it('creates a session shaped like Google: pickerUri, pollingConfig durations, RFC 3339 expireTime', async () => {
    const token = kit.tokenFor('ann');
    const created = await kit.call('picker', token, 'POST', '/v1/sessions', {});
    expect(created.status).toBe(200);
    const id = String(created.json?.id);
    expect(id).toMatch(/^[0-9a-f-]{36}$/);
    expect(created.json).toEqual({
      id,
      pickerUri: `https://photos.google.com/picker/${id}`,
      pollingConfig: { pollInterval: '5s', timeoutIn: '1800s' },
      expireTime: new Date(kit.clock.now() + 1_800_000).toISOString(),
      mediaItemsSet: false,
    });
  });

  it('echoes pickingConfig.maxItemCount as an int64 string and refuses unknown fields', async () => {
    const token = kit.tokenFor('ann');
    const created = await kit.call('picker', token, 'POST', '/v1/sessions', { pickingConfig: { maxItemCount: '3' } });
    expect(created.json).toMatchObject({ pickingConfig: { maxItemCount: '3' } });
    const unknown = await kit.call('picker', token, 'POST', '/v1/sessions', { colour: 'blue' });
    expect(unknown.status).toBe(400);
    expect(errorOf(unknown)).toMatchObject({ code: 400, status: 'INVALID_ARGUMENT', message: expect.stringContaining('Unknown name "colour"') });
    const badRequestId = await kit.call('picker', token, 'POST', '/v1/sessions?requestId=not-a-uuid', {});
    expect(errorOf(badRequestId)).toMatchObject({ status: 'INVALID_ARGUMENT' });
  });

  it('counts timeoutIn down on the sandbox clock, then answers 403 PERMISSION_DENIED once the session expired', async () => {
    const token = kit.tokenFor('ann');
    const id = await kit.newSession(token);
    kit.clock.advanceSeconds(60.5);
    const polled = await kit.call('picker', token, 'GET', `/v1/sessions/${id}`);
    expect(polled.json).toMatchObject({ id, mediaItemsSet: false, pollingConfig: { pollInterval: '5s', timeoutIn: '1739.500s' } });
    kit.clock.advanceSeconds(1740);
    const expired = await kit.call('picker', token, 'GET', `/v1/sessions/${id}`);
    expect(expired.status).toBe(403);
    expect(errorOf(expired)).toMatchObject({ code: 403, status: 'PERMISSION_DENIED' });
    const listed = await kit.call('picker', token, 'GET', `/v1/mediaItems?sessionId=${id}`);
    expect(errorOf(listed)).toMatchObject({ code: 403, status: 'PERMISSION_DENIED' });
  });

  it('deletes with {} and then knows the session no more (404 NOT_FOUND), as for another user', async () => {
    const token = kit.tokenFor('ann');
    const id = await kit.newSession(token);
    const other = await kit.call('picker', kit.tokenFor('bob'), 'GET', `/v1/sessions/${id}`);
    expect(other.status).toBe(404);
    expect(errorOf(other)).toEqual({ code: 404, message: 'Requested entity was not found.', status: 'NOT_FOUND' });
    expect((await kit.call('picker', kit.tokenFor('bob'), 'DELETE', `/v1/sessions/${id}`)).status).toBe(404);

    const deleted = await kit.call('picker', token, 'DELETE', `/v1/sessions/${id}`);
    expect(deleted).toMatchObject({ status: 200, json: {} });
    expect((await kit.call('picker', token, 'GET', `/v1/sessions/${id}`)).status).toBe(404);
    expect((await kit.call('picker', token, 'DELETE', `/v1/sessions/${id}`)).status).toBe(404);
    expect(kit.sandbox.admin.photosSessions('ann')).toEqual([
      { id, mediaItemsSet: false, expireTime: expect.any(String), deleted: true, pickedCount: 0 },
    ]);
  });

  it('answers mediaItems.list with 400 FAILED_PRECONDITION until the user has picked', async () => {
    const token = kit.tokenFor('ann');
    const id = await kit.newSession(token);
    const early = await kit.call('picker', token, 'GET', `/v1/mediaItems?sessionId=${id}`);
    expect(early.status).toBe(400);
    expect(errorOf(early)).toMatchObject({ code: 400, status: 'FAILED_PRECONDITION' });
    expect(errorOf(await kit.call('picker', token, 'GET', '/v1/mediaItems'))).toMatchObject({ status: 'INVALID_ARGUMENT' });
    expect((await kit.call('picker', token, 'GET', '/v1/mediaItems?sessionId=nope')).status).toBe(404);
  });

  it('lists what the user picked, page by page, with baseUrl, type and metadata; pollingConfig is gone once set', async () => {
    const token = kit.tokenFor('ann');
    const id = await kit.newSession(token);
    const photo = await testPhoto(64, 48, { format: 'jpeg' });
    const items = [1, 2, 3, 4].map((n) => pickItem(`IMG_000${n}.jpg`, photo, 'image/jpeg'));
    const video = { filename: 'VID_0001.mp4', mimeType: 'video/mp4', base64: Buffer.from('not really a video').toString('base64'), width: 1920, height: 1080 };
    const { mediaItemIds } = kit.sandbox.admin.photosPick({ sessionId: id, items: [...items, video] });
    expect(mediaItemIds).toHaveLength(5);

    const session = await kit.call('picker', token, 'GET', `/v1/sessions/${id}`);
    expect(session.json).toMatchObject({ id, mediaItemsSet: true });
    expect(session.json).not.toHaveProperty('pollingConfig');

    const first = await kit.call('picker', token, 'GET', `/v1/mediaItems?sessionId=${id}&pageSize=3`);
    expect(first.status).toBe(200);
    const firstItems = first.json?.mediaItems as Record<string, unknown>[];
    expect(firstItems).toHaveLength(3);
    expect(firstItems[0]).toEqual({
      id: mediaItemIds[0],
      createTime: new Date(kit.clock.now()).toISOString(),
      type: 'PHOTO',
      mediaFile: {
        baseUrl: expect.stringMatching(new RegExp(`^${kit.sandbox.url}/photospicker-media/[A-Za-z0-9_-]+$`)),
        mimeType: 'image/jpeg',
        filename: 'IMG_0001.jpg',
        mediaFileMetadata: { width: 64, height: 48, photoMetadata: {} },
      },
    });
    const pageToken = String(first.json?.nextPageToken);
    const second = await kit.call('picker', token, 'GET', `/v1/mediaItems?sessionId=${id}&pageSize=3&pageToken=${encodeURIComponent(pageToken)}`);
    const secondItems = second.json?.mediaItems as { id: string; type: string; mediaFile: { mediaFileMetadata: unknown } }[];
    expect(secondItems.map((item) => item.id)).toEqual(mediaItemIds.slice(3));
    expect(secondItems[1]).toMatchObject({ type: 'VIDEO', mediaFile: { mediaFileMetadata: { width: 1920, height: 1080, videoMetadata: expect.any(Object) } } });
    expect(second.json).not.toHaveProperty('nextPageToken');

    const all = await kit.call('picker', token, 'GET', `/v1/mediaItems?sessionId=${id}`);
    expect(all.json?.mediaItems).toHaveLength(5);
    expect(errorOf(await kit.call('picker', token, 'GET', `/v1/mediaItems?sessionId=${id}&pageSize=-1`))).toMatchObject({ status: 'INVALID_ARGUMENT' });
    expect(errorOf(await kit.call('picker', token, 'GET', `/v1/mediaItems?sessionId=${id}&pageToken=garbage`))).toMatchObject({ status: 'INVALID_ARGUMENT' });
    expect(kit.sandbox.admin.photosSessions('ann')).toEqual([{ id, mediaItemsSet: true, expireTime: expect.any(String), deleted: false, pickedCount: 5 }]);
  });

  it('caps pageSize at 100 and defaults it to 50', async () => {
    const token = kit.tokenFor('ann');
    const id = await kit.newSession(token);
    const one = pickItem('a.png', Buffer.from('x'));
    kit.sandbox.admin.photosPick({ sessionId: id, items: Array.from({ length: 120 }, () => one) });
    expect(((await kit.call('picker', token, 'GET', `/v1/mediaItems?sessionId=${id}`)).json?.mediaItems as unknown[]).length).toBe(50);
    expect(((await kit.call('picker', token, 'GET', `/v1/mediaItems?sessionId=${id}&pageSize=500`)).json?.mediaItems as unknown[]).length).toBe(100);
  });

  it('refuses to play a pick into an unknown, expired, deleted or finished session, or beyond maxItemCount', async () => {
    const token = kit.tokenFor('ann');
    const item = pickItem('a.png', Buffer.from('x'));
    const reason = (run: () => unknown) => {
      try {
        run();
      } catch (error) {
        return (error as { code?: string }).code;
      }
      return 'accepted';
    };
    expect(reason(() => kit.sandbox.admin.photosPick({ sessionId: 'nope', items: [item] }))).toBe('session_not_found');

    const capped = await kit.newSession(token, { pickingConfig: { maxItemCount: '1' } });
    expect(reason(() => kit.sandbox.admin.photosPick({ sessionId: capped, items: [item, item] }))).toBe('too_many_items');
    expect(reason(() => kit.sandbox.admin.photosPick({ sessionId: capped, items: [item] }))).toBe('accepted');
    expect(reason(() => kit.sandbox.admin.photosPick({ sessionId: capped, items: [item] }))).toBe('session_already_picked');

    const expiring = await kit.newSession(token);
    kit.sandbox.admin.photosExpireSession(expiring);
    expect(reason(() => kit.sandbox.admin.photosPick({ sessionId: expiring, items: [item] }))).toBe('session_expired');
    expect((await kit.call('picker', token, 'GET', `/v1/sessions/${expiring}`)).status).toBe(403);

    const deleted = await kit.newSession(token);
    await kit.call('picker', token, 'DELETE', `/v1/sessions/${deleted}`);
    expect(reason(() => kit.sandbox.admin.photosPick({ sessionId: deleted, items: [item] }))).toBe('session_deleted');
  });

  it('gives sessions created after photosSetSessionTiming its poll interval and lifetime, until a reset', async () => {
    const token = kit.tokenFor('ann');
    const before = await kit.newSession(token);
    kit.sandbox.admin.photosSetSessionTiming({ pollIntervalSeconds: 0.25, timeoutInSeconds: 120 });
    const after = await kit.call('picker', token, 'POST', '/v1/sessions', {});
    expect(after.json).toMatchObject({ pollingConfig: { pollInterval: '0.250s', timeoutIn: '120s' }, expireTime: new Date(kit.clock.now() + 120_000).toISOString() });
    expect((await kit.call('picker', token, 'GET', `/v1/sessions/${before}`)).json).toMatchObject({ pollingConfig: { pollInterval: '5s', timeoutIn: '1800s' } });
    kit.sandbox.admin.reset();
    expect((await kit.call('picker', kit.tokenFor('ann'), 'POST', '/v1/sessions', {})).json).toMatchObject({ pollingConfig: { pollInterval: '5s', timeoutIn: '1800s' } });
  });
});
