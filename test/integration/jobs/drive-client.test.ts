import { Readable } from 'node:stream';
import { OAuth2Client } from 'google-auth-library';
import { createDriveClient, driveCall, isDriveCallError } from '../../../functions/src/drive';
import { createPhotoEnhancementJob } from '../../../functions/src/jobs/photo-enhancement';
import { isOfflineJobError, type OfflineJobError } from '../../../functions/src/jobs';
import type { SandboxGoogle } from '../../../sandbox/src/server';
import { testPhoto } from '../../support/images';
import { runJob, SandboxUser, startSandbox } from './photo-job-kit';

const FAST_RETRIES = { maxRetries: 3, baseDelayMs: 10, maxRetryDelayMs: 2_000 };

async function failure(promise: Promise<unknown>): Promise<unknown> {
  return promise.then(
    () => {
      throw new Error('expected a failure');
    },
    (error: unknown) => error,
  );
}

describe('the Drive client against sandbox Drive', () => {
  let sandbox: SandboxGoogle;
  beforeAll(async () => {
    sandbox = await startSandbox();
  });
  afterAll(() => sandbox.close());

  it('retries a GET through transient 503s', async () => {
    const user = new SandboxUser(sandbox, 'retry-get');
    await user.setFaults({ failNext: { count: 2, status: 503 } });

    const { data } = await user.drive({ retry: FAST_RETRIES }).changes.getStartPageToken({});

    expect(data.startPageToken).toEqual(expect.any(String));
    expect(await user.stats()).toMatchObject({ injectedFaults: 2, calls: { 'changes.getStartPageToken': 3 } });
  });

  it('waits out a short Retry-After before retrying', async () => {
    const user = new SandboxUser(sandbox, 'retry-after');
    await user.setFaults({ failNext: { count: 1, status: 429, retryAfterSeconds: 1 } });
    const started = Date.now();

    await user.drive({ retry: FAST_RETRIES }).files.list({ spaces: 'appDataFolder' });

    expect(Date.now() - started).toBeGreaterThanOrEqual(1_000);
    expect((await user.stats()).calls['files.list']).toBe(2);
  });

  it('surfaces a Retry-After longer than it will wait at once, for the worker to back off', async () => {
    const user = new SandboxUser(sandbox, 'long-retry-after');
    await user.setFaults({ failNext: { count: 1, status: 429, retryAfterSeconds: 30 } });

    const error = await failure(runJob(createPhotoEnhancementJob(), user, { drive: user.drive({ retry: FAST_RETRIES }) }));

    expect(isOfflineJobError(error)).toBe(true);
    expect(error as OfflineJobError).toMatchObject({ code: 'upstream_rate_limited', retryAfterMs: 30_000, transient: true });
    expect((await user.stats()).totalCalls).toBe(1);
  });

  it('gives up on a persistent userRateLimitExceeded after its retries', async () => {
    const user = new SandboxUser(sandbox, 'rate-limited');
    await user.setFaults({ failNext: { count: 10, status: 403 } });

    const error = await failure(runJob(createPhotoEnhancementJob(), user, { drive: user.drive({ retry: FAST_RETRIES }) }));

    expect(error as OfflineJobError).toMatchObject({ code: 'upstream_rate_limited', httpStatus: 403 });
    expect((await user.stats()).injectedFaults).toBe(4);
  });

  it('never retries a POST: a failed create is reported, not repeated', async () => {
    const user = new SandboxUser(sandbox, 'no-post-retry');
    await user.setFaults({ failNext: { count: 1, status: 503 } });
    const drive = user.drive({ retry: FAST_RETRIES });

    const error = await failure(
      driveCall('files.create', () =>
        drive.files.create(
          { requestBody: { name: 'x.jpg', parents: ['appDataFolder'] }, media: { mimeType: 'image/jpeg', body: Readable.from(Buffer.from('x')) } },
          { rootUrl: sandbox.endpoints.apiRootUrl },
        ),
      ),
    );

    expect(isDriveCallError(error) && error.failure).toMatchObject({ code: 'unavailable', transient: true, httpStatus: 503 });
    expect((await user.stats()).calls['files.create']).toBe(1);
    expect(await user.files()).toHaveLength(0);
  });

  it('reports a refused access token as upstream_unauthorized, without the token in the error', async () => {
    const user = new SandboxUser(sandbox, 'expired');
    sandbox.accessTokens.expireAllFor(user.id);

    const error = await failure(runJob(createPhotoEnhancementJob(), user));

    expect(error as OfflineJobError).toMatchObject({ code: 'upstream_unauthorized', httpStatus: 401, transient: false });
    expect(JSON.stringify({ message: (error as Error).message, ...(error as object) })).not.toContain(user.accessToken);
  });

  it('times out a call that hangs', async () => {
    const user = new SandboxUser(sandbox, 'slow');
    await user.setFaults({ latencyMs: 800 });

    const error = await failure(driveCall('files.list', () => user.drive({ timeoutMs: 200, retry: { maxRetries: 0 } }).files.list({})));

    expect(isDriveCallError(error) && error.failure).toMatchObject({ code: 'unavailable', transient: true, httpStatus: undefined });
    // The sandbox's injected Drive latency is not cut short when it closes: let it run out here.
    await new Promise((resolve) => setTimeout(resolve, 700));
  });

  it('works with an auth client as well as with a bare access token', async () => {
    const user = new SandboxUser(sandbox, 'auth-client');
    await user.put('a.jpg', await testPhoto(50, 50));
    const authClient = new OAuth2Client();
    authClient.setCredentials({ access_token: user.accessToken });
    const drive = createDriveClient({ authClient, rootUrl: sandbox.endpoints.apiRootUrl, timeoutMs: 5_000 });

    const { result } = await runJob(createPhotoEnhancementJob(), user, { drive });

    expect(result.summary).toMatchObject({ enhanced: 1 });
  });
});
