import { driveCall, isDriveCallError } from '../../../../functions/src/drive/drive-call';
import { GrantRevokedError } from '../../../../functions/src/google/refresh-access-token';

describe('driveCall', () => {
  it('classifies what a Drive call throws', async () => {
    const failure = Object.assign(new Error('request failed'), { response: { status: 404, data: { error: { code: 404, errors: [{ reason: 'notFound' }] } }, headers: new Headers() } });
    const error: unknown = await driveCall('files.get', () => Promise.reject(failure)).catch((e: unknown) => e);
    expect(isDriveCallError(error)).toBe(true);
    expect(error).toMatchObject({ operation: 'files.get', failure: { code: 'not_found', httpStatus: 404 } });
  });

  it('passes a revoked grant through untouched: it is the user\'s state, not a Drive failure', async () => {
    const revoked = new GrantRevokedError();
    await expect(driveCall('files.list', () => Promise.reject(revoked))).rejects.toBe(revoked);
  });
});
