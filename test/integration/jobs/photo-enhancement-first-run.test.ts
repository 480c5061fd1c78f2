import sharp from 'sharp';
import { createPhotoEnhancementJob } from '../../../functions/src/jobs/photo-enhancement';
import type { SandboxGoogle } from '../../../sandbox/src/server';
import { readExif } from '../../support/images';
import { byName, fixture, resultsOf, runJob, SandboxUser, startSandbox } from './photo-job-kit';

describe('photo enhancement job: first run', () => {
  let sandbox: SandboxGoogle;
  beforeAll(async () => {
    sandbox = await startSandbox();
  });
  afterAll(() => sandbox.close());

  it('enhances every photo already in the app data folder, uploads beside it, and marks the source', async () => {
    const user = new SandboxUser(sandbox, 'first-run');
    const names = ['sunset.jpg', 'lakeshore-rotated-gps.jpg', 'meadow.png', 'city-night.webp'];
    for (const name of names) await user.putFixture(name);
    await user.put('notes.txt', Buffer.from('not a photo'), { mimeType: 'text/plain' });

    // Small pages, so the listing sweep spans several of them.
    const { result, logs } = await runJob(createPhotoEnhancementJob({ pageSize: 2 }), user);

    expect(result.done).toBe(true);
    expect(result.summary).toMatchObject({ enhanced: 4, unsupported: 0, linkedExisting: 0 });
    expect(result.cursor).toMatchObject({ version: 1, phase: 'changes' });
    const files = await user.files(true);
    expect(files).toHaveLength(names.length + 1 + 4);
    for (const name of names) {
      const source = byName(files, name);
      const [enhanced, ...others] = resultsOf(files, source);
      expect(others).toEqual([]);
      expect(enhanced).toMatchObject({
        name: name.replace(/\.[^.]+$/, '-enhanced.jpg'),
        mimeType: 'image/jpeg',
        appProperties: { derivedFrom: source.id },
        trashed: false,
      });
      expect(source.appProperties).toEqual({ enhancedId: enhanced!.id });
    }
    expect(byName(files, 'notes.txt').appProperties).toEqual({});
    // The worker logs these lines: they name files by id, never carry the token.
    expect(logs.join('\n')).not.toContain(user.accessToken);
  });

  it('sweeps the photos in subfolders too, as the changes feed sees them later, and lists nothing else', async () => {
    const user = new SandboxUser(sandbox, 'subfolders');
    const folder = await user.put('album', Buffer.alloc(0), { mimeType: 'application/vnd.google-apps.folder' });
    const nested = await user.put('nested.jpg', fixture('sunset.jpg'), { parents: [folder.id] });
    const top = await user.putFixture('meadow.png');
    for (let i = 0; i < 5; i += 1) await user.put(`notes-${i}.txt`, Buffer.from('not a photo'), { mimeType: 'text/plain' });

    const { result } = await runJob(createPhotoEnhancementJob({ pageSize: 2 }), user);

    expect(result.summary).toMatchObject({ enhanced: 2, unsupported: 0 });
    // One listing page (the two photos; the folder and the notes are left out by Drive), then one
    // lookup by derivedFrom per photo.
    expect((await user.stats()).calls['files.list']).toBe(3);
    const files = await user.files();
    // Each result beside its source: in the subfolder, and in the folder's top.
    expect(resultsOf(files, nested).map((result) => result.parents)).toEqual([[folder.id]]);
    expect(resultsOf(files, top).map((result) => result.parents)).toEqual([top.parents]);
  });

  it('uploads an upright JPEG with no EXIF or GPS left', async () => {
    const user = new SandboxUser(sandbox, 'orientation');
    const source = await user.putFixture('lakeshore-rotated-gps.jpg');

    await runJob(createPhotoEnhancementJob(), user);

    const files = await user.files(true);
    const [result] = resultsOf(files, source);
    const bytes = Buffer.from(result!.contentBase64!, 'base64');
    const meta = await sharp(bytes).metadata();
    expect(meta).toMatchObject({ format: 'jpeg', width: 320, height: 480 });
    expect(readExif(meta.exif)).toBeUndefined();
    expect(result!.size).toBe(bytes.length);
  });

  it('marks a corrupt image unsupported_image and uploads nothing for it', async () => {
    const user = new SandboxUser(sandbox, 'corrupt');
    const corrupt = await user.putFixture('corrupt.jpg');
    const lying = await user.put('looks-like.png', Buffer.from('plain text in a .png'), { mimeType: 'image/png' });

    const { result } = await runJob(createPhotoEnhancementJob(), user);

    expect(result.summary).toMatchObject({ enhanced: 0, unsupported: 2 });
    const files = await user.files();
    expect(files).toHaveLength(2);
    expect(byName(files, 'corrupt.jpg').appProperties).toEqual({ enhanceError: 'unsupported_image' });
    expect(byName(files, 'looks-like.png').appProperties).toEqual({ enhanceError: 'unsupported_image' });
    expect([corrupt.id, lying.id]).toEqual(expect.arrayContaining(files.map((f) => f.id)));
    expect((await user.stats()).uploads).toBe(0);
  });

  it('marks a photo Drive will not serve (flagged as malware) download_refused, goes on past it, and never asks again', async () => {
    const user = new SandboxUser(sandbox, 'abusive');
    // First in the listing, so a failure on it would stop the run before the good photo.
    await user.put('flagged.jpg', fixture('sunset.jpg'), { abusive: true });
    await user.putFixture('meadow.png');

    const { result } = await runJob(createPhotoEnhancementJob(), user);

    expect(result.done).toBe(true);
    expect(result.summary).toMatchObject({ enhanced: 1, refused: 1 });
    const files = await user.files();
    expect(byName(files, 'flagged.jpg').appProperties).toEqual({ enhanceError: 'download_refused' });
    expect(resultsOf(files, byName(files, 'flagged.jpg'))).toEqual([]);
    expect(resultsOf(files, byName(files, 'meadow.png'))).toHaveLength(1);
    // Nothing acknowledged the abuse on the user's behalf: Drive served no flagged bytes.
    expect((await user.stats()).downloads).toBe(1);

    const again = await runJob(createPhotoEnhancementJob(), user, { cursor: result.cursor });
    expect(again.result.summary).toMatchObject({ enhanced: 0, refused: 0 });
    expect((await user.stats()).downloads).toBe(1);
  });

  it('skips a photo over the size limit without downloading it', async () => {
    const user = new SandboxUser(sandbox, 'too-large');
    await user.putFixture('sunset.jpg'); // about 13 KB
    await user.putFixture('meadow.png'); // about 1 KB

    const { result } = await runJob(createPhotoEnhancementJob({ maxSourceBytes: 5_000 }), user);

    expect(result.summary).toMatchObject({ enhanced: 1, tooLarge: 1 });
    expect((await user.stats()).downloads).toBe(1);
    expect(byName(await user.files(), 'sunset.jpg').appProperties).toEqual({});
  });

  it('finishes at once for a user with an empty app data folder', async () => {
    const user = new SandboxUser(sandbox, 'empty');
    const { result } = await runJob(createPhotoEnhancementJob(), user);
    expect(result).toMatchObject({ done: true, summary: { enhanced: 0 }, cursor: { phase: 'changes' } });
  });
});
