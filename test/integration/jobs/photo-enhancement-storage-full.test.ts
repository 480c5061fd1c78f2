import { createPhotoEnhancementJob } from '../../../functions/src/jobs/photo-enhancement';
import { isOfflineJobError, type OfflineJobError } from '../../../functions/src/jobs';
import type { SandboxGoogle } from '../../../sandbox/src/server';
import { testPhoto } from '../../support/images';
import { type RunOptions, runJob, SandboxUser, startSandbox } from './photo-job-kit';

let sandbox: SandboxGoogle;

async function failedRun(user: SandboxUser, options: RunOptions): Promise<OfflineJobError> {
  const error = await runJob(createPhotoEnhancementJob(), user, options).then(
    () => undefined,
    (thrown: unknown) => thrown,
  );
  if (!isOfflineJobError(error)) throw new Error(`expected the run to fail with an OfflineJobError, got ${String(error)}`);
  return error;
}

/** A user past their first run, with one new photo and exactly no room left for its result. */
async function fullUser(label: string) {
  const user = new SandboxUser(sandbox, label);
  const saved = (await runJob(createPhotoEnhancementJob(), user)).result.cursor;
  const source = await user.put(`${label}.jpg`, await testPhoto(120, 80, { seed: 3 }));
  const usage = (await user.files()).reduce((sum, file) => sum + file.size, 0);
  return { user, saved, source, usage };
}

describe("photo enhancement job: the user's Google storage is full", () => {
  beforeAll(async () => {
    sandbox = await startSandbox();
  });
  afterAll(() => sandbox.close());

  it('ends with drive_storage_full and a cursor that remembers it; while still full, the next run asks about.get and downloads nothing', async () => {
    const { user, saved, source, usage } = await fullUser('full');
    await user.setStorageLimit(usage);

    const first = await failedRun(user, { cursor: saved });
    expect([first.code, first.transient]).toEqual(['drive_storage_full', false]);
    expect(first.resumeCursor).toEqual({ ...saved, storageFull: true });
    const files = await user.files();
    expect(files).toHaveLength(1);
    expect(files[0]!.appProperties).toEqual({});

    const before = await user.stats();
    const second = await failedRun(user, { cursor: first.resumeCursor });
    expect(second.code).toBe('drive_storage_full');
    expect(second.resumeCursor).toEqual(first.resumeCursor);
    const after = await user.stats();
    expect(after.totalCalls - before.totalCalls).toBe(1);
    expect((after.calls['about.get'] ?? 0) - (before.calls['about.get'] ?? 0)).toBe(1);
    expect(after.downloads - before.downloads).toBe(0);
    expect((await user.files()).find((f) => f.id === source.id)?.appProperties).toEqual({});
  });

  it('room according to about.get but not for the result: tries once, and the cursor keeps the mark', async () => {
    const { user, saved, usage } = await fullUser('nearly-full');
    await user.setStorageLimit(usage + 10);
    const first = await failedRun(user, { cursor: saved });
    const before = await user.stats();

    const second = await failedRun(user, { cursor: first.resumeCursor });
    expect(second.code).toBe('drive_storage_full');
    expect(second.resumeCursor).toMatchObject({ storageFull: true });
    const after = await user.stats();
    expect([after.calls['about.get']! - (before.calls['about.get'] ?? 0), after.downloads - before.downloads]).toEqual([1, 1]);
  });

  it('once space is freed, the photo is enhanced and the mark is gone; the run after asks about.get no more', async () => {
    const { user, saved, source, usage } = await fullUser('freed');
    await user.setStorageLimit(usage);
    const first = await failedRun(user, { cursor: saved });
    await user.setStorageLimit(null);

    const { result } = await runJob(createPhotoEnhancementJob(), user, { cursor: first.resumeCursor });
    expect(result.summary).toMatchObject({ enhanced: 1 });
    expect(result.cursor).not.toHaveProperty('storageFull');
    expect((await user.files()).find((f) => f.id === source.id)?.appProperties.enhancedId).toBeDefined();

    const before = await user.stats();
    await runJob(createPhotoEnhancementJob(), user, { cursor: result.cursor });
    expect(((await user.stats()).calls['about.get'] ?? 0) - (before.calls['about.get'] ?? 0)).toBe(0);
  });

  it('a first run (the listing) on a full Drive keeps its listing cursor, marked', async () => {
    const user = new SandboxUser(sandbox, 'full-first-run');
    await user.put('first.jpg', await testPhoto(120, 80, { seed: 4 }));
    await user.setStorageLimit((await user.files())[0]!.size);
    const error = await failedRun(user, {});
    expect(error.code).toBe('drive_storage_full');
    expect(error.resumeCursor).toMatchObject({ phase: 'listing', pageToken: null, storageFull: true });
  });
});
