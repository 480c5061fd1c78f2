import { workerSummary } from '../../../functions/src/offline/work/worker-summary';

describe('workerSummary', () => {
  it('counts outcomes by status, failures by code, and the photos enhanced by runs that were stopped only by the user\'s state', () => {
    const summary = workerSummary(
      [
        { userId: 'a', status: 'done', pending: false, summary: { enhanced: 2 } },
        { userId: 'b', status: 'done', pending: true, summary: { enhanced: 1 }, stopped: true },
        { userId: 'c', status: 'failed', errorCode: 'drive_storage_full', summary: { enhanced: 3, linkedExisting: 1 } },
        { userId: 'd', status: 'failed', errorCode: 'upstream_unavailable' },
        { userId: 'e', status: 'skipped', reason: 'lease_held' },
        { userId: 'f', status: 'reauth_required' },
      ],
      1234,
    );
    expect(summary).toEqual({
      summary: 'worker',
      users: 6,
      done: 2,
      stopped: 1,
      skipped: 1,
      skippedBy: { lease_held: 1 },
      failed: 2,
      failedBy: { drive_storage_full: 1, upstream_unavailable: 1 },
      reauth_required: 1,
      photosEnhanced: 6,
      durationMs: 1234,
    });
  });
});
