import { createPhotoEnhancementJob } from '../../../functions/src/jobs/photo-enhancement';
import { isOfflineJobError } from '../../../functions/src/jobs';
import { PHOTO_LIMITS } from '../../../functions/src/photos';
import type { SandboxGoogle } from '../../../sandbox/src/server';
import { testPhoto } from '../../support/images';
import { byName, fixture, resultsOf, runJob, SandboxUser, startSandbox } from './photo-job-kit';

/**
 * A decoder that fails without proving the photo bad (here: a HEIC decode thread given 1 ms, so
 * it always runs out of time) must not mark the photo unsupported at once: the photo comes back in
 * a later run, and only PHOTO_LIMITS.decodeAttempts failures mark it for good.
 */
describe('photo enhancement job: a decoder failure is retried in later runs, then marked', () => {
  let sandbox: SandboxGoogle;
  beforeAll(async () => {
    sandbox = await startSandbox();
  });
  afterAll(() => sandbox.close());

  const failing = createPhotoEnhancementJob({ enhance: { heicDecodeTimeoutMs: 1 } });
  const healthy = createPhotoEnhancementJob();

  /** A user whose first run is over, so the HEIC arrives through the changes feed (one attempt per run). */
  async function userWithHeic(label: string) {
    const user = new SandboxUser(sandbox, label);
    const first = await runJob(healthy, user);
    await user.put('IMG_0001.HEIC', fixture('harbour.heic'), { mimeType: 'image/heic' });
    return { user, cursor: first.result.cursor };
  }

  it(`counts each failure on the photo, keeps the user's other photos moving, and marks it after ${PHOTO_LIMITS.decodeAttempts}`, async () => {
    const { user, cursor: start } = await userWithHeic('decoder-fails');
    await user.put('beside.jpg', await testPhoto(120, 80, { seed: 3 }));
    let cursor = start;
    for (let failure = 1; failure < PHOTO_LIMITS.decodeAttempts; failure += 1) {
      const run = await runJob(failing, user, { cursor });
      cursor = run.result.cursor;
      expect(run.result.done).toBe(true);
      expect(run.result.summary).toMatchObject({ decoderFailed: 1, unsupported: 0, enhanced: failure === 1 ? 1 : 0 });
      const source = byName(await user.files(), 'IMG_0001.HEIC');
      expect(source.appProperties).toEqual({ decoderFailures: String(failure) });
    }
    const before = await user.stats();

    const last = await runJob(failing, user, { cursor });

    expect(last.result.summary).toMatchObject({ decoderFailed: 0, unsupported: 1 });
    const files = await user.files();
    const source = byName(files, 'IMG_0001.HEIC');
    expect(source.appProperties).toEqual({ enhanceError: 'unsupported_image' });
    expect(resultsOf(files, source)).toHaveLength(0);
    expect(resultsOf(files, byName(files, 'beside.jpg'))).toHaveLength(1);
    expect((await user.stats()).downloads - before.downloads).toBe(1);

    // Marked: never downloaded again.
    const after = await runJob(failing, user, { cursor: last.result.cursor });
    expect(after.result.summary).toMatchObject({ decoderFailed: 0, unsupported: 0, enhanced: 0 });
    expect((await user.stats()).downloads - before.downloads).toBe(1);
  });

  it('enhances the photo once the decoder works again, and clears the count', async () => {
    const { user, cursor } = await userWithHeic('decoder-recovers');
    const failed = await runJob(failing, user, { cursor });
    expect(failed.result.summary).toMatchObject({ decoderFailed: 1 });

    const recovered = await runJob(healthy, user, { cursor: failed.result.cursor });

    expect(recovered.result.summary).toMatchObject({ decoderFailed: 0, enhanced: 1 });
    const files = await user.files();
    const source = byName(files, 'IMG_0001.HEIC');
    const [result] = resultsOf(files, source);
    expect(source.appProperties).toEqual({ enhancedId: result!.id });
  });

  it('still marks a HEIC the decoder reads and refuses (truncated) at the first try', async () => {
    const user = new SandboxUser(sandbox, 'decoder-refuses');
    await user.put('cut.heic', fixture('truncated.heic'), { mimeType: 'image/heic' });

    const { result } = await runJob(healthy, user);

    expect(result.summary).toMatchObject({ decoderFailed: 0, unsupported: 1 });
    expect(byName(await user.files(), 'cut.heic').appProperties).toEqual({ enhanceError: 'unsupported_image' });
  });

  describe('after a run that never finished (the process may have died decoding)', () => {
    it('counts each decode before it starts, and takes the count back when it succeeds', async () => {
      const { user, cursor } = await userWithHeic('careful-ok');
      const before = await user.stats();

      const { result } = await runJob(healthy, user, { cursor, unfinishedRuns: 1 });

      expect(result.summary).toMatchObject({ enhanced: 1, decoderFailed: 0 });
      const files = await user.files();
      const source = byName(files, 'IMG_0001.HEIC');
      expect(source.appProperties).toEqual({ enhancedId: resultsOf(files, source)[0]!.id });
      // The count before the decode, taking it back after, then the mark.
      expect((await user.stats()).calls['files.update']! - (before.calls['files.update'] ?? 0)).toBe(3);
    });

    it('takes the count back as soon as the decode went well: an upload that fails after it leaves the photo as it was', async () => {
      const { user, cursor } = await userWithHeic('careful-upload-fails');
      await user.setFaults({ failNext: { count: 1, status: 503, method: 'files.create' } });

      const failed = await runJob(healthy, user, { cursor, unfinishedRuns: 1 }).then(
        () => undefined,
        (error: unknown) => error,
      );

      expect(isOfflineJobError(failed) && failed.code).toBe('upstream_unavailable');
      const source = byName(await user.files(), 'IMG_0001.HEIC');
      expect(source.appProperties).toEqual({});
      expect(resultsOf(await user.files(), source)).toHaveLength(0);
    });

    it('does not count a failed decode twice, and marks a photo whose decodes keep taking runs down without decoding it again', async () => {
      const { user, cursor } = await userWithHeic('careful-fails');
      const failed = await runJob(failing, user, { cursor, unfinishedRuns: 1 });
      expect(failed.result.summary).toMatchObject({ decoderFailed: 1 });
      expect(byName(await user.files(), 'IMG_0001.HEIC').appProperties).toEqual({ decoderFailures: '1' });

      // As if later runs died in the decode: each count written before it, nothing after.
      await user.put('other.jpg', await testPhoto(80, 60, { seed: 5 }));
      const source = byName(await user.files(), 'IMG_0001.HEIC');
      // As many counted tries as allowed (the last one went down with its run): no further try.
      await user.drive().files.update({ fileId: source.id, requestBody: { appProperties: { decoderFailures: String(PHOTO_LIMITS.decodeAttempts) } } });
      const before = await user.stats();

      const last = await runJob(healthy, user, { cursor: failed.result.cursor, unfinishedRuns: 2 });

      expect(last.result.summary).toMatchObject({ unsupported: 1, enhanced: 1 });
      expect(byName(await user.files(), 'IMG_0001.HEIC').appProperties).toEqual({ enhanceError: 'unsupported_image' });
      // Only the other photo was downloaded.
      expect((await user.stats()).downloads - before.downloads).toBe(1);
    });
  });
});
