import { OAuth2Client } from 'google-auth-library';
import { TEST_CLIENT } from '../../support/sandbox';
import { testPhoto } from '../../support/images';
import { ALL_PHOTOS_SCOPES, type PhotosKit, pickItem, startPhotosKit } from './photos-test-kit';

/**
 * The whole Photos story through google-auth-library's OAuth2Client.request, unchanged, as the
 * product calls these APIs: a real code exchange at the sandbox's token endpoint, then
 * `client.request({url, method, data, headers, responseType})` against the two roots.
 */
describe('sandbox Photos with google-auth-library', () => {
  let kit: PhotosKit;
  beforeAll(async () => {
    kit = await startPhotosKit();
  });
  afterAll(() => kit.close());

  it('creates a session, lists the pick, downloads it, uploads it and adds it to a new album', async () => {
    const { code } = kit.sandbox.admin.mintCode({ sub: 'ann', email: 'ann@example.com', scopes: ['openid', 'email', ...ALL_PHOTOS_SCOPES] });
    const client = new OAuth2Client({
      clientId: TEST_CLIENT.clientId,
      clientSecret: TEST_CLIENT.clientSecret,
      endpoints: { oauth2TokenUrl: kit.sandbox.endpoints.tokenUrl },
      transporterOptions: { timeout: 10_000, fetchImplementation: fetch },
    });
    const { tokens } = await client.getToken({ code });
    client.setCredentials(tokens);
    const picker = kit.sandbox.endpoints.photosPickerRootUrl;
    const library = kit.sandbox.endpoints.photosLibraryRootUrl;
    expect(picker).not.toMatch(/\/$/);

    const session = await client.request<{ id: string; pollingConfig: { pollInterval: string }; mediaItemsSet: boolean }>({
      url: `${picker}/v1/sessions`,
      method: 'POST',
      data: { pickingConfig: { maxItemCount: '10' } },
    });
    expect(session.data).toMatchObject({ mediaItemsSet: false, pollingConfig: { pollInterval: '5s' } });

    const photo = await testPhoto(32, 24, { format: 'jpeg', seed: 11 });
    kit.sandbox.admin.photosPick({ sessionId: session.data.id, items: [pickItem('IMG_7.jpg', photo, 'image/jpeg')] });
    const polled = await client.request<{ mediaItemsSet: boolean }>({ url: `${picker}/v1/sessions/${session.data.id}`, method: 'GET' });
    expect(polled.data.mediaItemsSet).toBe(true);

    const listed = await client.request<{ mediaItems: { mediaFile: { baseUrl: string; filename: string } }[] }>({
      url: `${picker}/v1/mediaItems`,
      method: 'GET',
      params: { sessionId: session.data.id, pageSize: 50 },
    });
    const [item] = listed.data.mediaItems;
    const downloaded = await client.request<ArrayBuffer>({ url: `${item!.mediaFile.baseUrl}=d`, method: 'GET', responseType: 'arraybuffer' });
    expect(Buffer.from(downloaded.data).equals(photo)).toBe(true);

    const uploaded = await client.request<string>({
      url: `${library}/v1/uploads`,
      method: 'POST',
      data: photo,
      headers: { 'Content-type': 'application/octet-stream', 'X-Goog-Upload-Content-Type': 'image/jpeg', 'X-Goog-Upload-Protocol': 'raw' },
      responseType: 'text',
    });
    expect(uploaded.data).toMatch(/^[A-Za-z0-9_-]+$/);

    const album = await client.request<{ id: string }>({ url: `${library}/v1/albums`, method: 'POST', data: { album: { title: 'Enhanced' } } });
    const created = await client.request<{ newMediaItemResults: { status: { message: string }; mediaItem: { filename: string } }[] }>({
      url: `${library}/v1/mediaItems:batchCreate`,
      method: 'POST',
      data: { albumId: album.data.id, newMediaItems: [{ simpleMediaItem: { uploadToken: uploaded.data, fileName: 'IMG_7-enhanced.jpg' } }] },
    });
    expect(created.data.newMediaItemResults).toEqual([expect.objectContaining({ status: { message: 'Success' }, mediaItem: expect.objectContaining({ filename: 'IMG_7-enhanced.jpg' }) })]);
    expect(kit.sandbox.admin.photosAlbums('ann')).toEqual([expect.objectContaining({ title: 'Enhanced', mediaItems: [expect.objectContaining({ bytes: photo.length })] })]);

    const deleted = await client.request({ url: `${picker}/v1/sessions/${session.data.id}`, method: 'DELETE' });
    expect(deleted.data).toEqual({});
  });

  it('surfaces Google-shaped errors as GaxiosError with status and body', async () => {
    const client = new OAuth2Client({ transporterOptions: { timeout: 10_000, fetchImplementation: fetch } });
    client.setCredentials({ access_token: kit.tokenFor('ann') });
    const session = await client.request<{ id: string }>({ url: `${kit.sandbox.endpoints.photosPickerRootUrl}/v1/sessions`, method: 'POST', data: {} });
    const failure = await client
      .request({ url: `${kit.sandbox.endpoints.photosPickerRootUrl}/v1/mediaItems`, method: 'GET', params: { sessionId: session.data.id }, retry: false })
      .then(() => undefined, (error: unknown) => error as { status?: number; response?: { data?: unknown } });
    expect(failure?.status).toBe(400);
    expect(failure?.response?.data).toMatchObject({ error: { code: 400, status: 'FAILED_PRECONDITION' } });
  });
});
