import { createPhotoEnhancementJob } from '../../../functions/src/jobs/photo-enhancement';
import { isOfflineJobError, type OfflineJobError } from '../../../functions/src/jobs';
import type { SandboxGoogle } from '../../../sandbox/src/server';
import { testPhoto } from '../../support/images';
import { resultsOf, runJob, type SandboxFile, SandboxUser, startSandbox } from './photo-job-kit';

async function putPhotos(user: SandboxUser, count: number, prefix: string): Promise<SandboxFile[]> {
  const files: SandboxFile[] = [];
  for (let i = 0; i < count; i += 1) files.push(await user.put(`${prefix}-${i}.jpg`, await testPhoto(120, 80, { seed: i + 1 })));
  return files;
}

async function expectOneResultEach(user: SandboxUser, sources: SandboxFile[]): Promise<void> {
  const files = await user.files();
  for (const source of sources) {
    const results = resultsOf(files, source);
    expect(results).toHaveLength(1);
    expect(files.find((f) => f.id === source.id)?.appProperties.enhancedId).toBe(results[0]!.id);
  }
}

/** A user past their first run (its cursor saved), with `count` new photos for the next one. */
async function userWithNewPhotos(label: string, count: number) {
  const user = new SandboxUser(sandbox, label);
  const job = createPhotoEnhancementJob();
  const saved = (await runJob(job, user)).result.cursor;
  return { user, job, saved, sources: await putPhotos(user, count, label) };
}

let sandbox: SandboxGoogle;

describe('photo enhancement job: crashes, deadlines and resumption', () => {
  beforeAll(async () => {
    sandbox = await startSandbox();
  });
  afterAll(() => sandbox.close());

  it('after a crash between upload and marking, marks the source with the existing result instead of making a second', async () => {
    const user = new SandboxUser(sandbox, 'crash-after-upload');
    const source = await user.put('beach.jpg', await testPhoto(200, 100));
    // What the crashed run left behind: its upload, but no enhancedId on the source.
    const orphan = await user.put('beach-enhanced.jpg', await testPhoto(200, 100, { seed: 9 }), { appProperties: { derivedFrom: source.id } });

    const { result } = await runJob(createPhotoEnhancementJob(), user);

    expect(result.summary).toMatchObject({ enhanced: 0, linkedExisting: 1 });
    const files = await user.files();
    expect(files).toHaveLength(2);
    expect(files.find((f) => f.id === source.id)?.appProperties).toEqual({ enhancedId: orphan.id });
    const stats = await user.stats();
    expect(stats.uploads).toBe(0);
    expect(stats.downloads).toBe(0);
  });

  it('after a crash between upload and marking in the changes feed, finds the result in the feed itself: no query, nothing made twice', async () => {
    const { user, job, saved, sources } = await userWithNewPhotos('crash-in-feed', 2);
    // What the crashed run left behind for the first photo: its result, but no mark on the source.
    const orphan = await user.put('crash-in-feed-0-enhanced.jpg', await testPhoto(120, 80, { seed: 9 }), { appProperties: { derivedFrom: sources[0]!.id } });
    const before = await user.stats();

    const { result } = await runJob(job, user, { cursor: saved });

    expect(result.summary).toMatchObject({ enhanced: 1, linkedExisting: 1 });
    const after = await user.stats();
    // The feed was read to its end, so no photo needed a files.list query for an earlier result.
    expect((after.calls['files.list'] ?? 0) - (before.calls['files.list'] ?? 0)).toBe(0);
    expect(after.uploads - before.uploads).toBe(1);
    await expectOneResultEach(user, sources);
    expect((await user.files()).find((f) => f.id === sources[0]!.id)?.appProperties.enhancedId).toBe(orphan.id);
  });

  it('looks results up by query when the feed is longer than the read-ahead, and still makes none twice', async () => {
    const user = new SandboxUser(sandbox, 'long-feed');
    const job = createPhotoEnhancementJob({ pageSize: 1, readAheadPages: 2 });
    const saved = (await runJob(job, user)).result.cursor;
    const sources = await putPhotos(user, 3, 'long-feed');
    await user.put('long-feed-2-enhanced.jpg', await testPhoto(120, 80, { seed: 9 }), { appProperties: { derivedFrom: sources[2]!.id } });
    const before = await user.stats();

    const { result } = await runJob(job, user, { cursor: saved });

    expect(result.summary).toMatchObject({ enhanced: 2, linkedExisting: 1 });
    // No batch of 2 pages of 1 reached the feed's end (the run's own marks and results extend it):
    // each photo was looked up by query, and the orphan found that way.
    expect((await user.stats()).calls['files.list']! - (before.calls['files.list'] ?? 0)).toBe(3);
    await expectOneResultEach(user, sources);
  });

  it('stops between photos at the deadline and resumes mid-page with the cursor it returned', async () => {
    const user = new SandboxUser(sandbox, 'deadline');
    const sources = await putPhotos(user, 5, 'deadline');
    const job = createPhotoEnhancementJob({ pageSize: 3 });

    const stopped = await runJob(job, user, { stopAfterPhotos: 2 });

    expect(stopped.result.done).toBe(false);
    expect(stopped.result.summary).toMatchObject({ enhanced: 2 });
    // Still the first listing page: the rest of it has not been handled yet.
    expect(stopped.result.cursor).toMatchObject({ phase: 'listing', pageToken: null });

    const resumed = await runJob(job, user, { cursor: stopped.result.cursor });

    expect(resumed.result.done).toBe(true);
    expect(resumed.result.summary).toMatchObject({ enhanced: 3, linkedExisting: 0 });
    await expectOneResultEach(user, sources);
    expect((await user.stats()).uploads).toBe(5);
  });

  it('after a crash mid changes-page (no cursor saved), the next run from the old cursor finishes the page without repeating work', async () => {
    const user = new SandboxUser(sandbox, 'crash-mid-page');
    const job = createPhotoEnhancementJob({ pageSize: 10 });
    const saved = (await runJob(job, user)).result.cursor;
    const sources = await putPhotos(user, 4, 'mid-page');

    // The run that "crashes": it gets through two photos of the page; its cursor is never saved.
    const crashed = await runJob(job, user, { cursor: saved, stopAfterPhotos: 2 });
    expect(crashed.result.summary).toMatchObject({ enhanced: 2 });

    const next = await runJob(job, user, { cursor: saved });

    expect(next.result.done).toBe(true);
    expect(next.result.summary).toMatchObject({ enhanced: 2, linkedExisting: 0 });
    await expectOneResultEach(user, sources);
    expect((await user.stats()).uploads).toBe(4);
  });

  it('fails a run on a Drive outage with a transient error that carries the cursor to resume from', async () => {
    const { user, job, saved, sources } = await userWithNewPhotos('outage', 2);
    await user.setFaults({ failNext: { count: 1, status: 503 } });

    const error = await runJob(job, user, { cursor: saved, drive: user.drive({ retry: { maxRetries: 0 } }) }).then(
      () => undefined,
      (e: unknown) => e,
    );

    expect(isOfflineJobError(error)).toBe(true);
    expect(error as OfflineJobError).toMatchObject({ code: 'upstream_unavailable', transient: true, httpStatus: 503, resumeCursor: saved });
    const next = await runJob(job, user, { cursor: (error as OfflineJobError).resumeCursor });
    expect(next.result.summary).toMatchObject({ enhanced: 2 });
    await expectOneResultEach(user, sources);
  });

  it('repeats an upload Drive refused as rate-limited within the run: nothing was made, one result', async () => {
    const { user, job, saved, sources } = await userWithNewPhotos('upload-429', 1);
    await user.setFaults({ failNext: { count: 1, status: 429, retryAfterSeconds: 0, method: 'files.create' } });

    const { result } = await runJob(job, user, { cursor: saved });

    expect(result.summary).toMatchObject({ enhanced: 1 });
    expect((await user.stats()).calls['files.create']).toBe(2);
    await expectOneResultEach(user, sources);
  });

  it('ends the run on an upload that failed after Drive made the file, and the next run finds it, though search lags behind', async () => {
    const { user, saved, sources } = await userWithNewPhotos('upload-applied-503', 2);
    // Batches of one page of one never reach the feed's end: every photo is looked up by query,
    // the path Drive's search lag can fool.
    const job = createPhotoEnhancementJob({ pageSize: 1, readAheadPages: 1 });
    // Drive makes the first result, then answers 503; a file made less than 1.5 s ago is not in files.list yet.
    const lagMs = 1500;
    await user.setFaults({ failNext: { count: 1, status: 503, method: 'files.create', afterApplying: true }, searchLagMs: lagMs });

    const error: unknown = await runJob(job, user, { cursor: saved }).catch((e: unknown) => e);

    expect(isOfflineJobError(error) && error.resumeCursor).toEqual(saved);
    expect(error as OfflineJobError).toMatchObject({ code: 'upstream_unavailable', transient: true, httpStatus: 503 });
    // Not repeated at once: a lookup now would miss the file Drive made, and make a second.
    expect((await user.stats()).calls['files.create']).toBe(1);
    expect((await user.files()).filter((file) => file.appProperties.derivedFrom !== undefined)).toHaveLength(1);

    // The user's next run comes 30 s or more later (next-run.ts); here, once the lag is over.
    await new Promise((resolve) => setTimeout(resolve, lagMs + 100));
    const queriesBefore = (await user.stats()).calls['files.list'] ?? 0;
    const next = await runJob(job, user, { cursor: (error as OfflineJobError).resumeCursor });

    expect(next.result.summary).toMatchObject({ linkedExisting: 1, enhanced: 1 });
    expect((await user.stats()).calls['files.list']! - queriesBefore).toBe(2);
    await expectOneResultEach(user, sources);
  });

  it('starts over with a fresh listing when Drive refuses the saved page token', async () => {
    const user = new SandboxUser(sandbox, 'stale-token');
    const sources = await putPhotos(user, 2, 'stale');

    const { result, logs } = await runJob(createPhotoEnhancementJob(), user, {
      cursor: { version: 1, phase: 'changes', pageToken: '987654' },
    });

    expect(result).toMatchObject({ done: true, summary: { enhanced: 2 } });
    expect(logs.some((line) => line.includes('refused the saved page token'))).toBe(true);
    await expectOneResultEach(user, sources);
  });

  it('treats a cursor it does not understand as none', async () => {
    const user = new SandboxUser(sandbox, 'odd-cursor');
    const sources = await putPhotos(user, 1, 'odd');
    const { result } = await runJob(createPhotoEnhancementJob(), user, { cursor: { version: 7, somethingElse: true } });
    expect(result.summary).toMatchObject({ enhanced: 1 });
    await expectOneResultEach(user, sources);
  });
});
