import { errorOf, type PhotosKit, pickItem, startPhotosKit } from './photos-test-kit';

/** Faults set with `set-faults` under `photos`: failNext (optionally for one method), rates, latency; and the stats. */
describe('sandbox Photos: faults and stats', () => {
  let kit: PhotosKit;
  beforeAll(async () => {
    kit = await startPhotosKit();
  });
  afterAll(() => kit.close());
  beforeEach(() => kit.sandbox.admin.reset());

  it('fails the next calls of one method only, then serves it again', async () => {
    const token = kit.tokenFor('ann');
    const sessionId = await kit.newSession(token);
    kit.sandbox.admin.setFaults({ photos: { failNext: { count: 2, status: 503, retryAfterSeconds: 4, method: 'sessions.get' } } });
    expect((await kit.call('picker', token, 'POST', '/v1/sessions', {})).status).toBe(200);
    const failed = await kit.call('picker', token, 'GET', `/v1/sessions/${sessionId}`);
    expect(failed.status).toBe(503);
    expect(failed.headers.get('retry-after')).toBe('4');
    expect(errorOf(failed)).toEqual({ code: 503, message: 'The service is currently unavailable.', status: 'UNAVAILABLE' });
    expect((await kit.call('picker', token, 'GET', `/v1/sessions/${sessionId}`)).status).toBe(503);
    expect((await kit.call('picker', token, 'GET', `/v1/sessions/${sessionId}`)).status).toBe(200);
    expect(kit.sandbox.admin.faults()).toEqual({ photos: { failNext: { count: 0, status: 503, retryAfterSeconds: 4, method: 'sessions.get' } } });
    const stats = kit.sandbox.admin.stats().photos;
    expect(stats).toMatchObject({ totalCalls: 5, faultsInjected: 2, calls: { 'sessions.create': 2, 'sessions.get': 3 } });
    expect(stats.users.ann).toMatchObject({ totalCalls: 5, faultsInjected: 2 });
  });

  it('answers 429 RESOURCE_EXHAUSTED with Retry-After, for downloads and batchCreate alike', async () => {
    const token = kit.tokenFor('ann');
    const sessionId = await kit.newSession(token);
    kit.sandbox.admin.photosPick({ sessionId, items: [pickItem('a.png', Buffer.from('bytes'))] });
    const listed = await kit.call('picker', token, 'GET', `/v1/mediaItems?sessionId=${sessionId}`);
    const baseUrl = (listed.json?.mediaItems as { mediaFile: { baseUrl: string } }[])[0]!.mediaFile.baseUrl;

    kit.sandbox.admin.setFaults({ photos: { failNext: { count: 1, status: 429, retryAfterSeconds: 2, method: 'download' } } });
    const limited = await kit.fetchUrl(`${baseUrl}=d`, token);
    expect(limited.status).toBe(429);
    expect(limited.headers.get('retry-after')).toBe('2');
    expect(errorOf(limited)).toMatchObject({ code: 429, status: 'RESOURCE_EXHAUSTED' });
    expect((await kit.fetchUrl(`${baseUrl}=d`, token)).bytes.toString()).toBe('bytes');

    kit.sandbox.admin.setFaults({ photos: { rateLimitRate: 1, retryAfterSeconds: 3 } });
    const batch = await kit.call('library', token, 'POST', '/v1/mediaItems:batchCreate', { newMediaItems: [] });
    expect(batch.status).toBe(429);
    expect(batch.headers.get('retry-after')).toBe('3');
    expect(kit.sandbox.admin.stats().photos.calls).toMatchObject({ download: 2, batchCreate: 1, 'mediaItems.list': 1 });
  });

  it('draws rate faults from the seeded generator: the same settings after a reset give the same sequence', async () => {
    const run = async () => {
      kit.sandbox.admin.reset();
      kit.sandbox.admin.setFaults({ photos: { status5xxRate: 0.3, rateLimitRate: 0.2 } });
      const token = kit.tokenFor('ann');
      const statuses: number[] = [];
      for (let call = 0; call < 20; call += 1) statuses.push((await kit.call('library', token, 'GET', '/v1/albums')).status);
      return statuses;
    };
    const first = await run();
    expect(new Set(first)).toEqual(new Set([200, 429, 503]));
    expect(await run()).toEqual(first);
  });

  it('keeps the token endpoint faults working beside the photos ones, and clears both with {}', async () => {
    kit.sandbox.admin.setFaults({ tokenEndpoint: { failNext: { count: 1, status: 500 } }, photos: { latencyMs: 50 } });
    expect(kit.sandbox.admin.faults()).toEqual({ tokenEndpoint: { failNext: { count: 1, status: 500 } }, photos: { latencyMs: 50 } });
    const started = Date.now();
    await kit.call('library', kit.tokenFor('ann'), 'GET', '/v1/albums');
    expect(Date.now() - started).toBeGreaterThanOrEqual(45);
    kit.sandbox.admin.setFaults({});
    expect(kit.sandbox.admin.faults()).toEqual({});
    expect(() => kit.sandbox.admin.setFaults({ photos: { failNext: { count: 1, status: 503, method: 'nope' as 'uploads' } } })).toThrow(/method/);
  });
});
