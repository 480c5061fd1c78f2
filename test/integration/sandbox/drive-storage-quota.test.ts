import { Readable } from 'node:stream';
import { type DriveKit, failureOf, startDriveKit } from '../sandbox-drive/drive-test-kit';

/** A user whose Drive is full: the per-user storage limit, seen from @googleapis/drive and over HTTP. */
describe('sandbox Drive storage quota', () => {
  let kit: DriveKit;
  beforeAll(async () => {
    kit = await startDriveKit();
  });
  afterAll(() => kit.close());

  const DEFAULT_LIMIT = String(15 * 1024 ** 3);
  const QUOTA_EXCEEDED = {
    error: {
      code: 403,
      message: "The user's Drive storage quota has been exceeded.",
      errors: [{ domain: 'usageLimits', reason: 'storageQuotaExceeded', message: "The user's Drive storage quota has been exceeded." }],
    },
  };

  const putLimit = (sub: string, body: unknown) => kit.admin('PUT', `/users/${sub}/storage`, body);
  const seed = (sub: string, name: string, bytes: number) =>
    kit.sandbox.drive.putFile(sub, { name, mimeType: 'image/jpeg', content: Buffer.alloc(bytes, 1) });
  const quotaOf = async (sub: string) => (await kit.clientFor(sub).about.get({ fields: 'storageQuota' })).data.storageQuota;
  const upload = (sub: string, name: string, bytes: number) =>
    kit.clientFor(sub).files.create(
      {
        requestBody: { name, parents: ['appDataFolder'] },
        media: { mimeType: 'image/jpeg', body: Readable.from(Buffer.alloc(bytes, 2)) },
        fields: 'id,name,size',
      },
      { rootUrl: kit.rootUrl },
    );
  const namesOf = async (sub: string) =>
    ((await kit.clientFor(sub).files.list({ spaces: 'appDataFolder', fields: 'files(name)' })).data.files ?? []).map((file) => file.name);

  it('reports the set limit in about.get, omits it when unlimited, and DELETE restores 15 GiB', async () => {
    const sub = 'quota-about';
    seed(sub, 'a.jpg', 40);
    expect(await quotaOf(sub)).toMatchObject({ limit: DEFAULT_LIMIT, usage: '40' });

    const set = await putLimit(sub, { limitBytes: 100 });
    expect(set.status).toBe(200);
    expect(await set.json()).toEqual({ storage: { limitBytes: 100, usageBytes: 40 } });
    expect(await quotaOf(sub)).toEqual({ limit: '100', usage: '40', usageInDrive: '0', usageInDriveTrash: '0' });

    expect(await (await putLimit(sub, { limitBytes: null })).json()).toEqual({ storage: { limitBytes: null, usageBytes: 40 } });
    const unlimited = await quotaOf(sub);
    expect(unlimited).toEqual({ usage: '40', usageInDrive: '0', usageInDriveTrash: '0' });
    expect(unlimited).not.toHaveProperty('limit');

    const cleared = await kit.admin('DELETE', `/users/${sub}/storage`);
    expect(cleared.status).toBe(204);
    expect((await quotaOf(sub))?.limit).toBe(DEFAULT_LIMIT);
  });

  it('refuses an upload past the limit with 403 storageQuotaExceeded, storing nothing and logging no change', async () => {
    const sub = 'quota-full';
    const kept = seed(sub, 'kept.jpg', 60);
    expect((await putLimit(sub, { limitBytes: 100 })).status).toBe(200);
    const client = kit.clientFor(sub);
    const { data: start } = await client.changes.getStartPageToken({});

    const refused = await failureOf(upload(sub, 'big.jpg', 50));
    expect(refused.status).toBe(403);
    expect(refused.response?.data).toEqual(QUOTA_EXCEEDED);
    expect(await namesOf(sub)).toEqual(['kept.jpg']);
    const { data: changes } = await client.changes.list({ pageToken: start.startPageToken!, spaces: 'appDataFolder', fields: 'changes(fileId)' });
    expect(changes.changes).toEqual([]);
    expect((await quotaOf(sub))?.usage).toBe('60');

    // A full Drive can still be tidied: metadata updates pass.
    const { data: tagged } = await client.files.update({ fileId: kept.id, requestBody: { appProperties: { state: 'done' } }, fields: 'appProperties' });
    expect(tagged.appProperties).toEqual({ state: 'done' });

    // Freeing space lets the same upload through.
    await client.files.delete({ fileId: kept.id });
    const { data: created } = await upload(sub, 'big.jpg', 50);
    expect(created).toMatchObject({ name: 'big.jpg', size: '50' });
    expect(await namesOf(sub)).toEqual(['big.jpg']);
  });

  it('lets the upload through once the admin API raises the limit', async () => {
    const sub = 'quota-raised';
    seed(sub, 'kept.jpg', 60);
    kit.sandbox.drive.setUserStorageLimit(sub, 100);
    expect(await failureOf(upload(sub, 'big.jpg', 41))).toMatchObject({ status: 403 });
    // Exactly at the limit is still within it.
    await expect(upload(sub, 'fits.jpg', 40)).resolves.toMatchObject({ status: 200 });

    expect(await (await putLimit(sub, { limitBytes: 141 })).json()).toEqual({ storage: { limitBytes: 141, usageBytes: 100 } });
    await expect(upload(sub, 'big.jpg', 41)).resolves.toMatchObject({ status: 200 });
    expect(await namesOf(sub)).toEqual(['kept.jpg', 'fits.jpg', 'big.jpg']);
  });

  it('counts only the growth of a content update, and refuses even an empty new file once the Drive is full', async () => {
    const sub = 'quota-update';
    const photo = seed(sub, 'photo.jpg', 80);
    kit.sandbox.drive.setUserStorageLimit(sub, 100);
    const client = kit.clientFor(sub);
    const replace = (bytes: number) =>
      client.files.update(
        { fileId: photo.id, media: { mimeType: 'image/jpeg', body: Readable.from(Buffer.alloc(bytes, 3)) }, fields: 'size' },
        { rootUrl: kit.rootUrl },
      );
    const createFolder = () => client.files.create({ requestBody: { name: 'album', mimeType: 'application/vnd.google-apps.folder', parents: ['appDataFolder'] } });

    expect((await replace(100)).data.size).toBe('100');
    expect(await failureOf(replace(101))).toMatchObject({ status: 403, response: { data: QUOTA_EXCEEDED } });

    // Full (usage == limit): a folder adds no bytes, yet Drive takes no new file.
    expect(await failureOf(createFolder())).toMatchObject({ status: 403, response: { data: QUOTA_EXCEEDED } });
    // The admin API seeds past the limit; over it, content that does not grow still passes.
    const extra = { name: 'extra.jpg', mimeType: 'image/jpeg', contentBase64: Buffer.alloc(10).toString('base64') };
    expect((await kit.admin('POST', `/users/${sub}/files`, extra)).status).toBe(201);
    expect((await quotaOf(sub))?.usage).toBe('110');
    expect((await replace(90)).data.size).toBe('90');
    expect(await failureOf(createFolder())).toMatchObject({ status: 403 });
    kit.sandbox.drive.setUserStorageLimit(sub, 101);
    await expect(createFolder()).resolves.toMatchObject({ status: 200 });
  });

  it('refuses a resumable upload when its last byte arrives, and the session is gone', async () => {
    const sub = 'quota-resumable';
    seed(sub, 'kept.jpg', 95);
    kit.sandbox.drive.setUserStorageLimit(sub, 100);
    const token = kit.tokenFor(sub);
    const start = await kit.api(token, '/upload/drive/v3/files?uploadType=resumable', {
      method: 'POST',
      headers: { 'content-type': 'application/json; charset=UTF-8', 'x-upload-content-type': 'image/jpeg' },
      body: JSON.stringify({ name: 'big.jpg', parents: ['appDataFolder'] }),
    });
    expect(start.status).toBe(200);
    const session = start.headers.get('location')!;
    const put = (range: string, body: Buffer) =>
      fetch(session, { method: 'PUT', headers: { authorization: `Bearer ${token}`, 'content-range': range }, body, signal: AbortSignal.timeout(5000) });

    expect((await put('bytes 0-3/8', Buffer.from('abcd'))).status).toBe(308);
    const last = await put('bytes 4-7/8', Buffer.from('efgh'));
    expect(last.status).toBe(403);
    expect(await last.json()).toEqual(QUOTA_EXCEEDED);
    expect((await put('bytes */8', Buffer.alloc(0))).status).toBe(404);
    expect(await namesOf(sub)).toEqual(['kept.jpg']);
  });

  it('validates the limit over HTTP (400) and in process', async () => {
    const sub = 'quota-invalid';
    for (const body of [{ limitBytes: -1 }, { limitBytes: 1.5 }, { limitBytes: '100' }, {}, { limitBytes: 1, extra: true }]) {
      const refused = await putLimit(sub, body);
      expect(refused.status).toBe(400);
      expect(await refused.json()).toMatchObject({ error: { code: 'invalid_request', message: expect.any(String) } });
    }
    expect(() => kit.sandbox.drive.setUserStorageLimit(sub, -1)).toThrow();
    expect((await quotaOf(sub))?.limit).toBe(DEFAULT_LIMIT);
  });

  it('is forgotten by reset', async () => {
    const sub = 'quota-reset';
    kit.sandbox.drive.setUserStorageLimit(sub, 0);
    expect(await failureOf(upload(sub, 'a.jpg', 1))).toMatchObject({ status: 403 });
    kit.sandbox.drive.reset();
    expect((await quotaOf(sub))?.limit).toBe(DEFAULT_LIMIT);
    await expect(upload(sub, 'a.jpg', 1)).resolves.toMatchObject({ status: 200 });
  });
});
