import { createHash } from 'node:crypto';
import { testPhoto } from '../../support/images';
import { errorOf, type PhotosKit, startPhotosKit } from './photos-test-kit';

/** Library API: raw uploads, app-created albums, batchCreate (limits, per-item failures, no idempotence), search. */
describe('sandbox Photos Library: uploads, albums, batchCreate, search', () => {
  let kit: PhotosKit;
  let photo: Buffer;
  beforeAll(async () => {
    kit = await startPhotosKit();
    photo = await testPhoto(40, 30, { format: 'png', seed: 3 });
  });
  afterAll(() => kit.close());
  beforeEach(() => kit.sandbox.admin.reset());

  const createAlbum = async (token: string, title = 'Enhanced') => (await kit.call('library', token, 'POST', '/v1/albums', { album: { title } })).json as { id: string };
  const batchCreate = (token: string, body: unknown) => kit.call('library', token, 'POST', '/v1/mediaItems:batchCreate', body);
  const entry = (uploadToken: string, fileName = 'enhanced.png') => ({ simpleMediaItem: { uploadToken, fileName } });

  it('answers a raw upload with the upload token as plain text, and refuses other protocols or an empty body', async () => {
    const token = kit.tokenFor('ann');
    const answer = await kit.call('library', token, 'POST', '/v1/uploads', photo, {
      'content-type': 'application/octet-stream',
      'x-goog-upload-content-type': 'image/png',
      'x-goog-upload-protocol': 'raw',
    });
    expect(answer.status).toBe(200);
    expect(answer.headers.get('content-type')).toMatch(/^text\/plain/);
    expect(answer.bytes.toString('utf8')).toMatch(/^[A-Za-z0-9_-]{40,}$/);
    const resumable = await kit.call('library', token, 'POST', '/v1/uploads', photo, { 'x-goog-upload-protocol': 'resumable' });
    expect(errorOf(resumable)).toMatchObject({ code: 400, status: 'INVALID_ARGUMENT' });
    const empty = await kit.call('library', token, 'POST', '/v1/uploads', Buffer.alloc(0), { 'x-goog-upload-protocol': 'raw' });
    expect(errorOf(empty)).toMatchObject({ code: 400, status: 'INVALID_ARGUMENT' });
  });

  it('creates albums (two calls, two albums), lists only this app’s albums page by page, and gets one', async () => {
    const token = kit.tokenFor('ann');
    const created = await kit.call('library', token, 'POST', '/v1/albums', { album: { title: 'Enhanced' } });
    expect(created.status).toBe(200);
    const id = String(created.json?.id);
    expect(created.json).toEqual({ id, title: 'Enhanced', productUrl: `https://photos.google.com/lr/album/${id}`, isWriteable: true });
    const second = await createAlbum(token);
    expect(second.id).not.toBe(id);
    await createAlbum(kit.tokenFor('ann', undefined, 'another-app.apps.googleusercontent.com'), 'Other app');
    await createAlbum(kit.tokenFor('bob'), 'Bob’s');

    const firstPage = await kit.call('library', token, 'GET', '/v1/albums?pageSize=1');
    expect((firstPage.json?.albums as { id: string }[]).map((album) => album.id)).toEqual([id]);
    const rest = await kit.call('library', token, 'GET', `/v1/albums?pageSize=1&pageToken=${String(firstPage.json?.nextPageToken)}`);
    expect(rest.json).toEqual({ albums: [expect.objectContaining({ id: second.id })] });
    expect((await kit.call('library', token, 'GET', `/v1/albums/${id}`)).json).toMatchObject({ id, title: 'Enhanced' });
    expect(errorOf(await kit.call('library', kit.tokenFor('bob'), 'GET', `/v1/albums/${id}`))).toMatchObject({ code: 404, status: 'NOT_FOUND' });
    expect((await kit.call('library', kit.tokenFor('carol'), 'GET', '/v1/albums')).json).toEqual({});
    const tooLong = await kit.call('library', token, 'POST', '/v1/albums', { album: { title: 'x'.repeat(501) } });
    expect(errorOf(tooLong)).toMatchObject({ status: 'INVALID_ARGUMENT' });
  });

  it('batchCreates into an album: per-item Success with the media item, bytes readable through the admin API and search', async () => {
    const token = kit.tokenFor('ann');
    const album = await createAlbum(token);
    const uploadToken = await kit.upload(token, photo);
    const created = await batchCreate(token, { albumId: album.id, newMediaItems: [{ description: 'brighter', ...entry(uploadToken) }] });
    expect(created.status).toBe(200);
    const [result] = created.json?.newMediaItemResults as { mediaItem: { id: string } }[];
    expect(result).toEqual({
      uploadToken,
      status: { message: 'Success' },
      mediaItem: {
        id: expect.any(String),
        description: 'brighter',
        productUrl: `https://photos.google.com/lr/photo/${result!.mediaItem.id}`,
        mimeType: 'image/png',
        mediaMetadata: { creationTime: new Date(kit.clock.now()).toISOString(), width: '40', height: '30', photo: {} },
        filename: 'enhanced.png',
      },
    });
    expect(kit.sandbox.admin.photosAlbums('ann')).toEqual([
      {
        id: album.id,
        title: 'Enhanced',
        mediaItems: [
          {
            id: result!.mediaItem.id,
            filename: 'enhanced.png',
            description: 'brighter',
            mimeType: 'image/png',
            bytes: photo.length,
            sha256: createHash('sha256').update(photo).digest('hex'),
          },
        ],
      },
    ]);
    const searched = await kit.call('library', token, 'POST', '/v1/mediaItems:search', { albumId: album.id, pageSize: 10 });
    expect(searched.json).toEqual({ mediaItems: [result!.mediaItem] });
    expect((await kit.call('library', token, 'GET', `/v1/albums/${album.id}`)).json).toMatchObject({ mediaItemsCount: '1', coverPhotoMediaItemId: result!.mediaItem.id });
  });

  it('is not idempotent: the same upload token in two calls makes two media items', async () => {
    const token = kit.tokenFor('ann');
    const album = await createAlbum(token);
    const uploadToken = await kit.upload(token, photo);
    const first = await batchCreate(token, { albumId: album.id, newMediaItems: [entry(uploadToken)] });
    const second = await batchCreate(token, { albumId: album.id, newMediaItems: [entry(uploadToken)] });
    const idOf = (answer: typeof first) => (answer.json?.newMediaItemResults as { mediaItem: { id: string } }[])[0]!.mediaItem.id;
    expect(idOf(first)).not.toBe(idOf(second));
    expect(kit.sandbox.admin.photosAlbums('ann')[0]!.mediaItems).toHaveLength(2);
    expect(kit.sandbox.admin.stats().photos.users.ann?.calls.batchCreate).toBe(2);
  });

  it('reports unknown, expired and other users’ upload tokens per item, and still creates the good ones', async () => {
    const stale = await kit.upload(kit.tokenFor('ann'), photo);
    kit.clock.advanceSeconds(24 * 3600 + 1);
    const token = kit.tokenFor('ann');
    const album = await createAlbum(token);
    const good = await kit.upload(token, photo);
    const bobs = await kit.upload(kit.tokenFor('bob'), photo);
    const created = await batchCreate(token, { albumId: album.id, newMediaItems: [entry('CAISnot-a-token'), entry(stale), entry(good), entry(bobs)] });
    expect(created.status).toBe(200);
    const failed = { code: 3, message: 'Failed: There was an error while trying to create this media item.' };
    expect(created.json?.newMediaItemResults).toEqual([
      { uploadToken: 'CAISnot-a-token', status: failed },
      { uploadToken: stale, status: failed },
      { uploadToken: good, status: { message: 'Success' }, mediaItem: expect.objectContaining({ filename: 'enhanced.png' }) },
      { uploadToken: bobs, status: failed },
    ]);
    expect(kit.sandbox.admin.photosAlbums('ann')[0]!.mediaItems).toHaveLength(1);
  });

  it('takes at most 50 items per call (400 INVALID_ARGUMENT beyond), and none', async () => {
    const token = kit.tokenFor('ann');
    const uploadToken = await kit.upload(token, photo);
    const fifty = await batchCreate(token, { newMediaItems: Array.from({ length: 50 }, () => entry(uploadToken)) });
    expect(fifty.status).toBe(200);
    expect(fifty.json?.newMediaItemResults).toHaveLength(50);
    const fiftyOne = await batchCreate(token, { newMediaItems: Array.from({ length: 51 }, () => entry(uploadToken)) });
    expect(fiftyOne.status).toBe(400);
    expect(errorOf(fiftyOne)).toEqual({ code: 400, message: 'Request must have less than 50 items.', status: 'INVALID_ARGUMENT' });
    expect(errorOf(await batchCreate(token, { newMediaItems: [] }))).toMatchObject({ status: 'INVALID_ARGUMENT' });
    const longDescription = await batchCreate(token, { newMediaItems: [{ description: 'x'.repeat(1001), ...entry(uploadToken) }] });
    expect(errorOf(longDescription)).toMatchObject({ status: 'INVALID_ARGUMENT' });
  });

  it('adds only to albums this app created for this user', async () => {
    const token = kit.tokenFor('ann');
    const uploadToken = await kit.upload(token, photo);
    const otherApp = await createAlbum(kit.tokenFor('ann', undefined, 'another-app.apps.googleusercontent.com'));
    const bobs = await createAlbum(kit.tokenFor('bob'));
    expect(errorOf(await batchCreate(token, { albumId: otherApp.id, newMediaItems: [entry(uploadToken)] }))).toMatchObject({ code: 403, status: 'PERMISSION_DENIED' });
    expect(errorOf(await batchCreate(token, { albumId: bobs.id, newMediaItems: [entry(uploadToken)] }))).toMatchObject({ code: 400, status: 'INVALID_ARGUMENT' });
    expect(errorOf(await batchCreate(token, { albumPosition: { position: 'FIRST_IN_ALBUM' }, newMediaItems: [entry(uploadToken)] }))).toMatchObject({ status: 'INVALID_ARGUMENT' });
    expect(kit.sandbox.admin.photosAlbums('bob')[0]!.mediaItems).toEqual([]);
  });

  it('places items FIRST_IN_ALBUM and pages search results', async () => {
    const token = kit.tokenFor('ann');
    const album = await createAlbum(token);
    const ids: string[] = [];
    for (const name of ['a.png', 'b.png', 'c.png']) {
      const created = await batchCreate(token, { albumId: album.id, albumPosition: { position: 'FIRST_IN_ALBUM' }, newMediaItems: [entry(await kit.upload(token, photo), name)] });
      ids.push((created.json?.newMediaItemResults as { mediaItem: { id: string } }[])[0]!.mediaItem.id);
    }
    const first = await kit.call('library', token, 'POST', '/v1/mediaItems:search', { albumId: album.id, pageSize: 2 });
    const names = (answer: typeof first) => (answer.json?.mediaItems as { filename: string }[]).map((item) => item.filename);
    expect(names(first)).toEqual(['c.png', 'b.png']);
    const second = await kit.call('library', token, 'POST', '/v1/mediaItems:search', { albumId: album.id, pageSize: 2, pageToken: first.json?.nextPageToken });
    expect(names(second)).toEqual(['a.png']);
    expect(second.json).not.toHaveProperty('nextPageToken');
    expect(errorOf(await kit.call('library', token, 'POST', '/v1/mediaItems:search', { albumId: album.id, filters: {} }))).toMatchObject({ status: 'INVALID_ARGUMENT' });
    expect(errorOf(await kit.call('library', token, 'POST', '/v1/mediaItems:search', { albumId: 'nope' }))).toMatchObject({ status: 'INVALID_ARGUMENT' });
    const empty = await createAlbum(token, 'Empty');
    expect((await kit.call('library', token, 'POST', '/v1/mediaItems:search', { albumId: empty.id })).json).toEqual({});
  });
});
