import type { OfflineJob } from '../../../functions/src/jobs/offline-job';
import { type OfflineHarness, runWithExpiredToken, startOfflineHarness } from '../../support/offline-harness';
import { PHOTOS_USER_SCOPES } from '../../support/photos';

/** The user signs in again while a worker runs them: the sign-in's tokens and scopes are newer than the run's. */
describe('a sign-in during a worker run', () => {
  let h: OfflineHarness;
  beforeAll(async () => {
    h = await startOfflineHarness('sign-in-mid-run');
  });
  afterAll(() => h.close());

  it("keeps the sign-in's access token and scopes; the run's own record (summary, cursor) is still written, and the user is due at once for what the sign-in granted", async () => {
    await h.connect('sid');
    let signedIn: { accessToken: string; scopes: string[] } | undefined;
    const signsInMidRun: OfflineJob = {
      name: 'signs-in-mid-run',
      requiredScopes: [],
      async run() {
        // Back in the app, the user grants Google Photos too.
        await h.connect('sid', 0, PHOTOS_USER_SCOPES);
        const record = await h.user('sid');
        signedIn = { accessToken: record.accessToken!.ciphertext, scopes: record.scopes! };
        return { cursor: { at: 'page-2' }, summary: { handled: 1 }, done: true };
      },
    };
    const refreshesBefore = h.sandbox.admin.stats().refreshes;

    // The run refreshes first, so its final write carries a token of the old grant's.
    const result = await runWithExpiredToken(h, 'sid', { jobs: [signsInMidRun] });

    expect(result.outcomes).toEqual([expect.objectContaining({ status: 'done' })]);
    expect(h.sandbox.admin.stats().refreshes - refreshesBefore).toBe(1);
    const stored = await h.user('sid');
    expect(stored.accessToken!.ciphertext).toBe(signedIn!.accessToken);
    expect(stored.scopes).toEqual(signedIn!.scopes);
    expect(stored.scopes).toContain('https://www.googleapis.com/auth/photospicker.mediaitems.readonly');
    expect(stored.jobs?.['signs-in-mid-run']).toMatchObject({ cursor: { at: 'page-2' }, summary: { handled: 1 } });
    expect(stored.lastSummary).toEqual({ handled: 1 });
    expect(stored.lease).toBeUndefined();
    expect(stored.dispatch).toBeUndefined();
    // The sign-in asked for a run now (its new scopes may enable a job); the run's own next time,
    // an interval away, does not push that out.
    expect(stored.nextRunAt.toMillis()).toBeLessThanOrEqual(Date.now());
  });
});
