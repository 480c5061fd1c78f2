import { testPhoto } from '../../support/images';
import { APPEND, type PhotosKit, pickItem, startPhotosKit } from './photos-test-kit';

/** Base URLs: the picked bytes for the session's owner with the Picker scope, for 60 minutes from the list call. */
describe('sandbox Photos Picker: baseUrl downloads', () => {
  let kit: PhotosKit;
  let photo: Buffer;
  beforeAll(async () => {
    kit = await startPhotosKit();
    photo = await testPhoto(80, 60, { format: 'jpeg', seed: 7 });
  });
  afterAll(() => kit.close());
  beforeEach(() => kit.sandbox.admin.reset());

  async function pickedBaseUrl(token: string): Promise<{ sessionId: string; baseUrl: string }> {
    const sessionId = await kit.newSession(token);
    kit.sandbox.admin.photosPick({ sessionId, items: [pickItem('IMG_1.jpg', photo, 'image/jpeg')] });
    return { sessionId, baseUrl: await listBaseUrl(token, sessionId) };
  }

  async function listBaseUrl(token: string, sessionId: string): Promise<string> {
    const listed = await kit.call('picker', token, 'GET', `/v1/mediaItems?sessionId=${sessionId}`);
    return (listed.json?.mediaItems as { mediaFile: { baseUrl: string } }[])[0]!.mediaFile.baseUrl;
  }

  it('serves the picked bytes for =d and =w-h with the owner token', async () => {
    const token = kit.tokenFor('ann');
    const { baseUrl } = await pickedBaseUrl(token);
    const original = await kit.fetchUrl(`${baseUrl}=d`, token);
    expect(original.status).toBe(200);
    expect(original.headers.get('content-type')).toBe('image/jpeg');
    expect(original.bytes.equals(photo)).toBe(true);
    const sized = await kit.fetchUrl(`${baseUrl}=w2048-h1024`, token);
    expect(sized.bytes.equals(photo)).toBe(true);
    expect(kit.sandbox.admin.stats().photos.calls.download).toBe(2);
  });

  it.each([
    ['no token', () => undefined],
    ["another user's token", () => kit.tokenFor('bob')],
    ['a token without the Picker scope', () => kit.tokenFor('ann', [APPEND])],
    ['a revoked token', () => {
      const token = kit.tokenFor('ann');
      kit.sandbox.accessTokens.revoke(token);
      return token;
    }],
  ])('answers 403 to %s', async (_case, tokenFor) => {
    const { baseUrl } = await pickedBaseUrl(kit.tokenFor('ann'));
    const refused = await kit.fetchUrl(`${baseUrl}=d`, tokenFor());
    expect(refused.status).toBe(403);
    expect(refused.bytes.includes(photo)).toBe(false);
  });

  it('stops serving a base URL 60 minutes after the list call; a new list call mints a working one', async () => {
    kit.sandbox.admin.photosSetSessionTiming({ timeoutInSeconds: 3 * 3600 });
    const token = kit.tokenFor('ann');
    const { sessionId, baseUrl } = await pickedBaseUrl(token);
    kit.clock.advanceSeconds(59 * 60);
    expect((await kit.fetchUrl(`${baseUrl}=d`, token)).status).toBe(200);
    const fresher = await listBaseUrl(token, sessionId);
    kit.clock.advanceSeconds(60);
    expect((await kit.fetchUrl(`${baseUrl}=d`, token)).status).toBe(403);
    expect(fresher).not.toBe(baseUrl);
    const refetched = await kit.fetchUrl(`${fresher}=d`, token);
    expect(refetched.status).toBe(200);
    expect(refetched.bytes.equals(photo)).toBe(true);
  });

  it('stops serving base URLs when the session expires or the app deletes it', async () => {
    const token = kit.tokenFor('ann');
    const expiring = await pickedBaseUrl(token);
    const deleting = await pickedBaseUrl(token);
    kit.sandbox.admin.photosExpireSession(expiring.sessionId);
    expect((await kit.fetchUrl(`${expiring.baseUrl}=d`, token)).status).toBe(403);
    expect((await kit.fetchUrl(`${deleting.baseUrl}=d`, token)).status).toBe(200);
    await kit.call('picker', token, 'DELETE', `/v1/sessions/${deleting.sessionId}`);
    expect((await kit.fetchUrl(`${deleting.baseUrl}=d`, token)).status).toBe(403);
  });
});
