import { type DriveKit, failureOf, headerOf, reasonOf, startDriveKit } from './drive-test-kit';

/** Per-user fault injection and the admin API, seen from the real client and over HTTP. */
describe('sandbox Drive faults and admin API', () => {
  let kit: DriveKit;
  beforeAll(async () => {
    kit = await startDriveKit();
  });
  afterAll(() => kit.close());

  const putFaults = async (sub: string, faults: unknown) => expect((await kit.admin('PUT', `/users/${sub}/faults`, faults)).status).toBe(200);
  const statsOf = async (sub: string) => (await kit.admin('GET', `/users/${sub}/stats`)).json();

  it('fails the next calls with 403 userRateLimitExceeded (domain usageLimits), then serves again', async () => {
    const sub = 'user-403';
    await putFaults(sub, { failNext: { count: 2, status: 403 } });
    const client = kit.clientFor(sub);
    for (let i = 0; i < 2; i += 1) {
      const error = await failureOf(client.files.list({ spaces: 'appDataFolder' }));
      expect(error.status).toBe(403);
      expect(error.response?.data).toEqual({
        error: {
          code: 403,
          message: 'User Rate Limit Exceeded',
          errors: [{ domain: 'usageLimits', reason: 'userRateLimitExceeded', message: 'User Rate Limit Exceeded' }],
        },
      });
    }
    await expect(client.files.list({ spaces: 'appDataFolder' })).resolves.toMatchObject({ status: 200 });
    expect(await statsOf(sub)).toMatchObject({ totalCalls: 3, injectedFaults: 2, calls: { 'files.list': 3 } });
  });

  it('answers 429 rateLimitExceeded with Retry-After', async () => {
    const sub = 'user-429';
    await putFaults(sub, { failNext: { count: 1, status: 429, retryAfterSeconds: 7 } });
    const error = await failureOf(kit.clientFor(sub).changes.getStartPageToken({}, { retry: false }));
    expect(error.status).toBe(429);
    expect(reasonOf(error)).toBe('rateLimitExceeded');
    expect(headerOf(error, 'retry-after')).toBe('7');
  });

  it('answers 5xx backendError, which the client retries for a GET', async () => {
    const sub = 'user-5xx';
    await putFaults(sub, { failNext: { count: 1, status: 503 } });
    const client = kit.clientFor(sub);
    // gaxios retries GETs on 5xx by default: the injected failure is absorbed, and the sandbox saw both attempts.
    await expect(client.files.list({ spaces: 'appDataFolder' }, { retryConfig: { retryDelay: 1 } })).resolves.toMatchObject({ status: 200 });
    expect(await statsOf(sub)).toMatchObject({ totalCalls: 2, injectedFaults: 1 });

    await putFaults(sub, { failNext: { count: 1, status: 500 } });
    const error = await failureOf(client.files.list({ spaces: 'appDataFolder' }, { retry: false }));
    expect(error.status).toBe(500);
    expect(reasonOf(error)).toBe('backendError');
  });

  it('never retries a failed upload (POST) on its own: one fault, one failure, no file', async () => {
    const sub = 'user-upload-fault';
    await putFaults(sub, { failNext: { count: 1, status: 503 } });
    const error = await failureOf(
      kit.clientFor(sub).files.create(
        { requestBody: { name: 'x.jpg', parents: ['appDataFolder'] }, media: { mimeType: 'image/jpeg', body: 'x' } },
        { rootUrl: kit.rootUrl },
      ),
    );
    expect(error.status).toBe(503);
    expect(await statsOf(sub)).toMatchObject({ calls: { 'files.create': 1 }, uploads: 0 });
    expect(await (await kit.admin('GET', `/users/${sub}/files`)).json()).toEqual({ files: [] });
  });

  it('adds per-user latency, and a default latency for everyone else', async () => {
    await putFaults('user-slow', { latencyMs: 120 });
    const timed = async (sub: string) => {
      const started = performance.now();
      await kit.clientFor(sub).changes.getStartPageToken({});
      return performance.now() - started;
    };
    expect(await timed('user-slow')).toBeGreaterThanOrEqual(115);
    expect(await timed('user-fast')).toBeLessThan(100);

    expect((await kit.admin('PUT', '/faults', { latencyMs: 60 })).status).toBe(200);
    expect(await timed('user-fast')).toBeGreaterThanOrEqual(55);
    expect((await kit.admin('PUT', '/faults', {})).status).toBe(200);
  });

  it('draws rate faults from a seeded generator: the same seed replays the same faults', async () => {
    const outcomes = async (sub: string) => {
      expect((await kit.admin('PUT', '/faults', { seed: 42 })).status).toBe(200);
      await putFaults(sub, { rates: { userRateLimitExceeded: 0.2, rateLimitExceeded: 0.2, backendError: 0.2, retryAfterSeconds: 1 } });
      const statuses: number[] = [];
      for (let i = 0; i < 30; i += 1) {
        const response = await kit.api(kit.tokenFor(sub), '/drive/v3/changes/startPageToken');
        statuses.push(response.status);
        await response.arrayBuffer();
      }
      return statuses;
    };
    const first = await outcomes('user-soak-a');
    const second = await outcomes('user-soak-b');
    expect(second).toEqual(first);
    expect(new Set(first)).toEqual(new Set([200, 403, 429, 500]));
  });

  it('refuses faults it cannot play', async () => {
    const bad = await kit.admin('PUT', '/users/u/faults', { failNext: { count: 1, status: 418 } });
    expect(bad.status).toBe(400);
    expect(await bad.json()).toMatchObject({ error: { code: 'invalid_request' } });
    const tooLikely = await kit.admin('PUT', '/users/u/faults', { rates: { backendError: 0.7, rateLimitExceeded: 0.7 } });
    expect(tooLikely.status).toBe(400);
  });

  it('puts files into a user app data folder and lists them back whole, content included', async () => {
    const sub = 'user@example.com';
    const path = `/users/${encodeURIComponent(sub)}/files`;
    const put = await kit.admin('POST', path, {
      name: 'seed.png',
      mimeType: 'image/png',
      contentBase64: Buffer.from('png-bytes').toString('base64'),
      appProperties: { origin: 'admin' },
    });
    expect(put.status).toBe(201);
    const { file } = (await put.json()) as { file: { id: string } };

    // The product sees it through Drive, in the app data folder, as a change too.
    const client = kit.clientFor(sub);
    const { data } = await client.files.list({ spaces: 'appDataFolder', q: "'appDataFolder' in parents", fields: 'files(id,appProperties,size)' });
    expect(data.files).toEqual([{ id: file.id, appProperties: { origin: 'admin' }, size: '9' }]);
    const { data: changes } = await client.changes.list({ pageToken: '1', spaces: 'appDataFolder', fields: 'changes(fileId)' });
    expect(changes.changes).toEqual([{ fileId: file.id }]);

    const listed = await (await kit.admin('GET', `${path}?includeContent=true`)).json();
    expect(listed).toEqual({
      files: [
        expect.objectContaining({
          id: file.id,
          name: 'seed.png',
          space: 'appDataFolder',
          appProperties: { origin: 'admin' },
          size: 9,
          trashed: false,
          contentBase64: Buffer.from('png-bytes').toString('base64'),
        }),
      ],
    });
  });

  it('counts uploads and downloads per user, lists everyone, and resets', async () => {
    const sub = 'user-stats';
    const client = kit.clientFor(sub);
    const { data } = await client.files.create(
      { requestBody: { name: 's.jpg', parents: ['appDataFolder'] }, media: { mimeType: 'image/jpeg', body: 's' }, fields: 'id' },
      { rootUrl: kit.rootUrl },
    );
    await client.files.get({ fileId: data.id!, alt: 'media' }, { responseType: 'arraybuffer' });
    expect(await statsOf(sub)).toEqual({ totalCalls: 2, calls: { 'files.create': 1, 'files.get': 1 }, uploads: 1, downloads: 1, injectedFaults: 0 });
    const all = (await (await kit.admin('GET', '/stats')).json()) as { users: Record<string, unknown> };
    expect(Object.keys(all.users)).toContain(sub);

    expect((await kit.admin('POST', '/reset')).status).toBe(204);
    expect(await (await kit.admin('GET', `/users/${sub}/files`)).json()).toEqual({ files: [] });
    expect(await statsOf(sub)).toMatchObject({ totalCalls: 0 });
  });
});
