import { DriveCallError } from '../../../functions/src/drive/drive-call';
import { classifyApiFailure } from '../../../functions/src/google/api-failure';
import { OfflineJobError, offlineJobErrorFromCall } from '../../../functions/src/jobs/offline-job-error';

function driveError(status: number, headers: Record<string, string> = {}, reason?: string): DriveCallError {
  const data = reason === undefined ? {} : { error: { code: status, message: 'm', errors: [{ domain: 'usageLimits', reason, message: 'm' }] } };
  const cause = Object.assign(new Error('x'), { response: { status, data, headers: new Headers(headers) } });
  return new DriveCallError('files.list', classifyApiFailure(cause), cause);
}

describe('OfflineJobError', () => {
  it.each([
    [401, 'upstream_unauthorized', false],
    [429, 'upstream_rate_limited', true],
    [503, 'upstream_unavailable', true],
    [403, 'upstream_forbidden', false],
    [404, 'upstream_rejected', false],
    [400, 'upstream_rejected', false],
  ])('maps a Drive %s to %s', (status, code, transient) => {
    const error = offlineJobErrorFromCall(driveError(status), {});
    expect(error).toBeInstanceOf(OfflineJobError);
    expect(error.code).toBe(code);
    expect(error.transient).toBe(transient);
    expect(error.httpStatus).toBe(status);
  });

  it("maps Drive's 403 storageQuotaExceeded to drive_storage_full, not transient", () => {
    const error = offlineJobErrorFromCall(driveError(403, {}, 'storageQuotaExceeded'), {});
    expect([error.code, error.transient]).toEqual(['drive_storage_full', false]);
  });

  it('carries Retry-After, the resume cursor and the work done so far', () => {
    const error = offlineJobErrorFromCall(driveError(429, { 'retry-after': '30' }), {
      resumeCursor: { version: 1, phase: 'changes', pageToken: 'p' },
      summary: { enhanced: 2 },
    });
    expect(error).toMatchObject({ retryAfterMs: 30_000, resumeCursor: { pageToken: 'p' }, summary: { enhanced: 2 } });
    expect(error.message).toBe('Drive files.list failed (rate_limited, HTTP 429)');
  });
});
