import { createHash, randomBytes } from 'node:crypto';
import { Readable } from 'node:stream';
import { type DriveKit, startDriveKit } from './drive-test-kit';

/** The sandbox's Drive through the real @googleapis/drive client, as the product uses it. */
describe('sandbox Drive v3 with @googleapis/drive', () => {
  let kit: DriveKit;
  beforeAll(async () => {
    kit = await startDriveKit();
  });
  afterAll(() => kit.close());

  const uploadOptions = () => ({ rootUrl: kit.rootUrl });

  async function uploadPhoto(sub: string, name: string, bytes: Buffer, appProperties: Record<string, string> = {}) {
    const { data } = await kit.clientFor(sub).files.create(
      {
        requestBody: { name, mimeType: 'image/jpeg', parents: ['appDataFolder'], appProperties },
        media: { mimeType: 'image/jpeg', body: Readable.from(bytes) },
        fields: 'id,name,mimeType,size,md5Checksum,parents,appProperties,version,createdTime,modifiedTime',
      },
      uploadOptions(),
    );
    return data;
  }

  it('round-trips binary bytes through a multipart upload and an alt=media download', async () => {
    // Bytes that look like multipart syntax must survive untouched.
    const bytes = Buffer.concat([randomBytes(4096), Buffer.from('\r\n--boundary\r\n\r\n'), randomBytes(1000)]);
    const created = await uploadPhoto('user-bytes', 'IMG_0001.jpg', bytes, { source: 'camera' });

    expect(created).toMatchObject({
      name: 'IMG_0001.jpg',
      mimeType: 'image/jpeg',
      size: String(bytes.length),
      md5Checksum: createHash('md5').update(bytes).digest('hex'),
      appProperties: { source: 'camera' },
      version: expect.stringMatching(/^\d+$/),
    });
    expect(created.id).toMatch(/^[A-Za-z0-9_-]{33}$/);
    expect(created.createdTime).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/);

    const download = await kit.clientFor('user-bytes').files.get({ fileId: created.id!, alt: 'media' }, { responseType: 'arraybuffer' });
    expect(Buffer.from(download.data as unknown as ArrayBuffer).equals(bytes)).toBe(true);
  });

  it('reports the real app data folder id in parents, and the alias resolves to it', async () => {
    const created = await uploadPhoto('user-parents', 'a.jpg', Buffer.from('a'));
    const { data: folder } = await kit.clientFor('user-parents').files.get({ fileId: 'appDataFolder', fields: 'id,name,mimeType' });
    expect(folder.mimeType).toBe('application/vnd.google-apps.folder');
    expect(created.parents).toEqual([folder.id]);
    expect(folder.id).not.toBe('appDataFolder');
  });

  it("accepts 'appfolder' (the alias Google's server-side sample uses) wherever 'appDataFolder' goes", async () => {
    const client = kit.clientFor('user-appfolder');
    const { data: folder } = await client.files.get({ fileId: 'appDataFolder', fields: 'id,name,mimeType' });
    const { data: alias } = await client.files.get({ fileId: 'appfolder', fields: 'id,name,mimeType' });
    expect(alias).toEqual(folder);

    const { data: created } = await client.files.create({ requestBody: { name: 'c.txt', parents: ['appfolder'] }, fields: 'id,parents' });
    expect(created.parents).toEqual([folder.id]);
    const { data: listed } = await client.files.list({ spaces: 'appDataFolder', q: "'appfolder' in parents", fields: 'files(id)' });
    expect(listed.files).toEqual([{ id: created.id }]);
  });

  it('answers with Drive v3 default fields when no fields are named', async () => {
    const created = await uploadPhoto('user-defaults', 'b.jpg', Buffer.from('b'), { k: 'v' });
    const { data } = await kit.clientFor('user-defaults').files.get({ fileId: created.id! });
    expect(data).toEqual({ kind: 'drive#file', id: created.id, name: 'b.jpg', mimeType: 'image/jpeg' });

    const { data: list } = await kit.clientFor('user-defaults').files.list({ spaces: 'appDataFolder' });
    expect(list).toEqual({
      kind: 'drive#fileList',
      incompleteSearch: false,
      files: [{ kind: 'drive#file', id: created.id, name: 'b.jpg', mimeType: 'image/jpeg' }],
    });
  });

  it('lists with the q subset the product uses, and only the fields asked for', async () => {
    const sub = 'user-query';
    const jpeg = await uploadPhoto(sub, 'one.jpg', Buffer.from('1'));
    const result = await uploadPhoto(sub, 'one-enhanced.jpg', Buffer.from('2'), { derivedFrom: jpeg.id! });
    const client = kit.clientFor(sub);
    const { data: png } = await client.files.create(
      { requestBody: { name: 'two.png', mimeType: 'image/png', parents: ['appDataFolder'] }, media: { mimeType: 'image/png', body: 'png' } },
      uploadOptions(),
    );
    const { data: note } = await client.files.create({ requestBody: { name: 'notes.txt', mimeType: 'text/plain', parents: ['appDataFolder'] } });
    await client.files.update({ fileId: note.id!, requestBody: { trashed: true } });

    const ids = async (q: string) => {
      const { data } = await client.files.list({ spaces: 'appDataFolder', q, fields: 'files(id)' });
      return (data.files ?? []).map((file) => file.id);
    };
    expect(await ids(`'appDataFolder' in parents and appProperties has { key='derivedFrom' and value='${jpeg.id}' }`)).toEqual([result.id]);
    expect(await ids("mimeType contains 'image/' and trashed = false")).toEqual([jpeg.id, result.id, png.id]);
    expect(await ids("mimeType = 'image/png'")).toEqual([png.id]);
    expect(await ids("mimeType != 'image/jpeg' and trashed = false")).toEqual([png.id]);
    expect(await ids('trashed = true')).toEqual([note.id]);
    expect(await ids("name = 'one.jpg' or name = 'two.png'")).toEqual([jpeg.id, png.id]);
    expect(await ids("not appProperties has { key='derivedFrom' and value='nothing' } and name contains 'one'")).toEqual([jpeg.id, result.id]);
    expect(await ids("'root' in parents")).toEqual([]);

    const { data } = await client.files.list({
      spaces: 'appDataFolder',
      q: `appProperties has { key='derivedFrom' and value='${jpeg.id}' }`,
      fields: 'files(id,name,appProperties),nextPageToken',
    });
    expect(data).toEqual({ files: [{ id: result.id, name: 'one-enhanced.jpg', appProperties: { derivedFrom: jpeg.id } }] });
  });

  it('pages files.list with pageSize and nextPageToken, and ends without a token', async () => {
    const sub = 'user-pages';
    const created: string[] = [];
    for (let i = 0; i < 5; i += 1) created.push((await uploadPhoto(sub, `p${i}.jpg`, Buffer.from([i]))).id!);
    const client = kit.clientFor(sub);
    const seen: string[] = [];
    let pageToken: string | undefined;
    let pages = 0;
    do {
      const { data } = await client.files.list({ spaces: 'appDataFolder', pageSize: 2, pageToken, fields: 'nextPageToken,files(id)' });
      seen.push(...(data.files ?? []).map((file) => file.id!));
      pageToken = data.nextPageToken ?? undefined;
      pages += 1;
    } while (pageToken);
    expect(seen).toEqual(created);
    expect(pages).toBe(3);
  });

  it('files in My Drive are invisible to a drive.appdata token, even when spaces includes drive', async () => {
    const fullDrive = kit.clientFor('user-spaces', ['https://www.googleapis.com/auth/drive']);
    await fullDrive.files.create({ requestBody: { name: 'in-my-drive.txt' } });
    const { data: asFull } = await fullDrive.files.list({ spaces: 'drive', fields: 'files(name,parents)' });
    expect(asFull.files?.map((file) => file.name)).toEqual(['in-my-drive.txt']);

    const { data: asAppData } = await kit.clientFor('user-spaces').files.list({ spaces: 'drive,appDataFolder', fields: 'files(name)' });
    expect(asAppData.files).toEqual([]);
  });

  it('updates appProperties: set keys merge in, null removes one, others stay', async () => {
    const created = await uploadPhoto('user-props', 'c.jpg', Buffer.from('c'), { keep: '1', drop: '2' });
    const client = kit.clientFor('user-props');
    const { data } = await client.files.update({
      fileId: created.id!,
      requestBody: { appProperties: { drop: null, enhancedId: 'result-1' } as unknown as Record<string, string> },
      fields: 'appProperties,version,size',
    });
    expect(data.appProperties).toEqual({ keep: '1', enhancedId: 'result-1' });
    expect(Number(data.version)).toBeGreaterThan(Number(created.version));
    expect(data.size).toBe('1');
  });

  it('replaces content with a multipart files.update on the upload path', async () => {
    const created = await uploadPhoto('user-replace', 'd.jpg', Buffer.from('old'));
    const client = kit.clientFor('user-replace');
    const { data } = await client.files.update(
      { fileId: created.id!, requestBody: { name: 'd2.jpg' }, media: { mimeType: 'image/jpeg', body: Readable.from(Buffer.from('newer')) }, fields: 'name,size' },
      uploadOptions(),
    );
    expect(data).toEqual({ name: 'd2.jpg', size: '5' });
    const download = await client.files.get({ fileId: created.id!, alt: 'media' }, { responseType: 'arraybuffer' });
    expect(Buffer.from(download.data as unknown as ArrayBuffer).toString()).toBe('newer');
  });

  it('creates from uploadType=media: Content-Type becomes mimeType, the name is Drive\'s "Untitled"', async () => {
    const upload = (token: string) =>
      kit.api(token, '/upload/drive/v3/files?uploadType=media&fields=name,mimeType,size,spaces', {
        method: 'POST',
        headers: { 'content-type': 'image/webp' },
        body: Buffer.from('webp-bytes'),
      });
    const response = await upload(kit.tokenFor('user-media', ['https://www.googleapis.com/auth/drive']));
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ name: 'Untitled', mimeType: 'image/webp', size: '10', spaces: ['drive'] });

    // No parents means My Drive, which a drive.appdata token may not write to.
    const refused = await upload(kit.tokenFor('user-media'));
    expect(refused.status).toBe(403);
    expect(await refused.json()).toMatchObject({ error: { errors: [{ reason: 'insufficientPermissions' }] } });
  });

  it('uploads resumably, in chunks, answering 308 with Range until the last one', async () => {
    const token = kit.tokenFor('user-resumable');
    const start = await kit.api(token, '/upload/drive/v3/files?uploadType=resumable&fields=id,name,size,mimeType', {
      method: 'POST',
      headers: { 'content-type': 'application/json; charset=UTF-8', 'x-upload-content-type': 'image/png' },
      body: JSON.stringify({ name: 'big.png', parents: ['appDataFolder'] }),
    });
    expect(start.status).toBe(200);
    const session = start.headers.get('location')!;
    expect(new URL(session).searchParams.get('upload_id')).toBeTruthy();

    const first = await fetch(session, {
      method: 'PUT',
      headers: { authorization: `Bearer ${token}`, 'content-range': 'bytes 0-3/7' },
      body: Buffer.from('abcd'),
      signal: AbortSignal.timeout(5000),
    });
    expect(first.status).toBe(308);
    expect(first.headers.get('range')).toBe('bytes=0-3');
    const last = await fetch(session, {
      method: 'PUT',
      headers: { authorization: `Bearer ${token}`, 'content-range': 'bytes 4-6/7' },
      body: Buffer.from('efg'),
      signal: AbortSignal.timeout(5000),
    });
    expect(last.status).toBe(200);
    expect(await last.json()).toMatchObject({ name: 'big.png', size: '7', mimeType: 'image/png' });
  });

  it('follows changes: start token, creates and updates, pages, newStartPageToken', async () => {
    const sub = 'user-changes';
    const client = kit.clientFor(sub);
    const { data: start } = await client.changes.getStartPageToken({});
    expect(start).toEqual({ kind: 'drive#startPageToken', startPageToken: expect.stringMatching(/^\d+$/) });

    const a = await uploadPhoto(sub, 'a.jpg', Buffer.from('a'));
    const b = await uploadPhoto(sub, 'b.jpg', Buffer.from('b'));
    await client.files.update({ fileId: a.id!, requestBody: { appProperties: { enhancedId: 'x' } } });
    const c = await uploadPhoto(sub, 'c.jpg', Buffer.from('c'));

    const pages: { fileIds: string[]; next?: string | null; newStart?: string | null }[] = [];
    let pageToken = start.startPageToken!;
    for (;;) {
      const { data } = await client.changes.list({
        pageToken,
        spaces: 'appDataFolder',
        pageSize: 2,
        fields: 'nextPageToken,newStartPageToken,changes(fileId,removed,changeType,time,file(id,appProperties))',
      });
      pages.push({ fileIds: (data.changes ?? []).map((change) => change.fileId!), next: data.nextPageToken, newStart: data.newStartPageToken });
      if (!data.nextPageToken) break;
      pageToken = data.nextPageToken;
    }
    // a changed twice: it appears once, after b, with its current state.
    expect(pages.map((page) => page.fileIds)).toEqual([[b.id, a.id], [c.id]]);
    expect(pages[0]).toMatchObject({ next: expect.any(String) });
    expect(pages[0]?.newStart).toBeUndefined();
    expect(pages[1]?.next).toBeUndefined();

    const { data: nothingNew } = await client.changes.list({ pageToken: pages[1]!.newStart!, spaces: 'appDataFolder' });
    expect(nothingNew.changes).toEqual([]);
    expect(nothingNew.newStartPageToken).toBe(pages[1]!.newStart);

    // Trash and delete bump the log too; includeRemoved=false hides the deletion.
    await client.files.update({ fileId: b.id!, requestBody: { trashed: true } });
    await client.files.delete({ fileId: c.id! });
    const { data: after } = await client.changes.list({
      pageToken: pages[1]!.newStart!,
      spaces: 'appDataFolder',
      fields: 'changes(fileId,removed,file(trashed))',
    });
    expect(after.changes).toEqual([
      { fileId: b.id, removed: false, file: { trashed: true } },
      { fileId: c.id, removed: true },
    ]);
    const { data: withoutRemoved } = await client.changes.list({
      pageToken: pages[1]!.newStart!,
      spaces: 'appDataFolder',
      includeRemoved: false,
      fields: 'changes(fileId)',
    });
    expect(withoutRemoved.changes).toEqual([{ fileId: b.id }]);
  });

  it('keeps changes of the app data folder out of the default (drive) space', async () => {
    const sub = 'user-change-spaces';
    const client = kit.clientFor(sub);
    const { data: start } = await client.changes.getStartPageToken({});
    await uploadPhoto(sub, 'x.jpg', Buffer.from('x'));
    const { data } = await client.changes.list({ pageToken: start.startPageToken! });
    expect(data.changes).toEqual([]);
  });

  it('answers about.get with the user and storage quota, and insists on fields', async () => {
    const sub = 'user-about';
    await uploadPhoto(sub, 'q.jpg', Buffer.alloc(1234));
    const client = kit.clientFor(sub);
    const { data } = await client.about.get({ fields: 'user,storageQuota' });
    expect(data.user).toMatchObject({ kind: 'drive#user', me: true, permissionId: expect.stringMatching(/^\d{20}$/) });
    expect(data.storageQuota).toEqual({ limit: String(15 * 1024 ** 3), usage: '1234', usageInDrive: '0', usageInDriveTrash: '0' });

    const response = await kit.api(kit.tokenFor(sub), '/drive/v3/about');
    expect(response.status).toBe(400);
    expect(await response.json()).toMatchObject({ error: { errors: [{ reason: 'required', location: 'fields' }] } });
  });
});
