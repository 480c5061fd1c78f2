import { createPhotoEnhancementJob } from '../../../functions/src/jobs/photo-enhancement';
import type { SandboxGoogle } from '../../../sandbox/src/server';
import { testPhoto } from '../../support/images';
import { byName, resultsOf, runJob, SandboxUser, startSandbox } from './photo-job-kit';

describe('photo enhancement job: later runs follow the changes feed', () => {
  let sandbox: SandboxGoogle;
  beforeAll(async () => {
    sandbox = await startSandbox();
  });
  afterAll(() => sandbox.close());

  const job = createPhotoEnhancementJob({ pageSize: 3 });

  it('enhances only the photos added since the last run', async () => {
    const user = new SandboxUser(sandbox, 'second-run');
    await user.putFixture('sunset.jpg');
    await user.putFixture('meadow.png');
    const first = await runJob(job, user);
    const afterFirst = await user.stats();

    await user.put('new-1.jpg', await testPhoto(300, 200, { seed: 1 }));
    await user.put('new-2.webp', await testPhoto(200, 300, { format: 'webp', seed: 2 }));
    const second = await runJob(job, user, { cursor: first.result.cursor });

    expect(second.result.done).toBe(true);
    expect(second.result.summary).toMatchObject({ enhanced: 2, linkedExisting: 0, unsupported: 0 });
    const afterSecond = await user.stats();
    expect(afterSecond.downloads - afterFirst.downloads).toBe(2);
    expect(afterSecond.uploads - afterFirst.uploads).toBe(2);
    // Incremental: no new start token, no sweep of the folder.
    expect(afterSecond.calls['changes.getStartPageToken']).toBe(1);
    expect(afterSecond.calls['changes.list']! - afterFirst.calls['changes.list']!).toBeGreaterThan(0);
    const files = await user.files();
    expect(files).toHaveLength(8);
    for (const name of ['sunset.jpg', 'meadow.png', 'new-1.jpg', 'new-2.webp']) {
      expect(resultsOf(files, byName(files, name))).toHaveLength(1);
    }
  });

  it('never processes a result, an enhanced source or a corrupt photo again, even when they change', async () => {
    const user = new SandboxUser(sandbox, 'never-again');
    await user.putFixture('sunset.jpg');
    await user.putFixture('corrupt.jpg');
    const first = await runJob(job, user);
    const files = await user.files();
    const drive = user.drive();
    // The app renames everything: each file shows up in the changes feed again.
    for (const file of files) await drive.files.update({ fileId: file.id, requestBody: { name: `renamed-${file.name}` } });
    const before = await user.stats();

    const second = await runJob(job, user, { cursor: first.result.cursor });

    expect(second.result.summary).toMatchObject({ enhanced: 0, unsupported: 0, linkedExisting: 0, skipped: 3 });
    const after = await user.stats();
    expect(after.downloads).toBe(before.downloads);
    expect(after.uploads).toBe(before.uploads);
    expect(await user.files()).toHaveLength(3);
  });

  it('leaves a file the app itself marked as a result alone', async () => {
    const user = new SandboxUser(sandbox, 'app-result');
    await user.put('made-by-app.jpg', await testPhoto(100, 100), { appProperties: { derivedFrom: 'some-other-file' } });

    const { result } = await runJob(job, user);

    expect(result.summary).toMatchObject({ enhanced: 0, skipped: 1 });
    expect((await user.stats()).downloads).toBe(0);
  });

  it('answers the next run with nothing to do', async () => {
    const user = new SandboxUser(sandbox, 'idle');
    await user.putFixture('meadow.png');
    const first = await runJob(job, user);
    const second = await runJob(job, user, { cursor: first.result.cursor });
    const third = await runJob(job, user, { cursor: second.result.cursor });
    expect(third.result).toMatchObject({ done: true, summary: { enhanced: 0, skipped: 0, pagesRead: 1 } });
    expect(third.result.cursor).toEqual(second.result.cursor);
  });
});
