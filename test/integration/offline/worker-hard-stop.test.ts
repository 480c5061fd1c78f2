import type { CloudEvent } from '@google-cloud/functions-framework';
import { createWorkerHandler } from '../../../functions/src/offline/work/worker-handler';
import { claimEveryDueUser } from '../../support/dispatch';
import { testPhoto } from '../../support/images';
import { type OfflineHarness, startOfflineHarness } from '../../support/offline-harness';

type Line = Record<string, unknown>;

// An 8-second function timeout: the finishing margin is 2 s, so runs stop starting work at 6 s and
// the hard stop aborts what is still in flight at 7 s, a second before the platform would kill us.
const TIMEOUT_SECONDS = 8;

describe('the worker hard stop: a Google call in flight past the deadline is cut before the timeout', () => {
  let h: OfflineHarness;
  beforeAll(async () => {
    h = await startOfflineHarness('worker-hard-stop', { WORKER_TIMEOUT_SECONDS: String(TIMEOUT_SECONDS), LEASE_SECONDS: '60' });
  });
  afterAll(() => h.close());

  const handler = () => createWorkerHandler(h.workerDeps(), h.workerDeps().logger);
  const event = (data: unknown, messageId: string) =>
    ({ id: `event-${messageId}`, data: { message: { data: Buffer.from(JSON.stringify(data)).toString('base64'), messageId } } }) as unknown as CloudEvent<never>;

  it('records the run as stopped with work pending, releases the lease, and returns inside the timeout', async () => {
    // A first run, quick, leaves the slow user on the changes feed: the cut call is then a page read.
    await h.connect('stop-slow', 1);
    await handler()(event({ v: 1, users: await claimEveryDueUser(h.db) }, 'msg-first'));
    expect((await h.user('stop-slow')).lastSummary).toMatchObject({ enhanced: 1 });
    h.sandbox.drive.putFile('stop-slow', { name: 'later.jpg', mimeType: 'image/jpeg', content: await testPhoto(64, 48, { seed: 9 }) });
    await h.db.collection('users').doc('stop-slow').update({ nextRunAt: new Date(Date.now() - 1000) });
    await h.connect('stop-quick', 1);
    // Every Drive call of this user's takes 20 s: far past the deadline and the timeout.
    h.sandbox.drive.setUserFaults('stop-slow', { latencyMs: 20_000 });
    const callsBefore = h.sandbox.drive.stats('stop-slow').totalCalls;
    const users = await claimEveryDueUser(h.db);
    expect(users.map((u) => u.userId).sort()).toEqual(['stop-quick', 'stop-slow']);
    const before = h.logs.length;

    const started = Date.now();
    await handler()(event({ v: 1, users }, 'msg-stop'));
    const elapsedMs = Date.now() - started;

    expect(elapsedMs).toBeLessThan(TIMEOUT_SECONDS * 1000);
    expect(elapsedMs).toBeGreaterThanOrEqual((TIMEOUT_SECONDS - 1) * 1000 - 100);
    const slow = await h.user('stop-slow');
    expect(slow.lastError).toBeUndefined();
    expect(slow.attempts).toBeUndefined();
    expect(slow.lease).toBeUndefined();
    expect(slow.dispatch).toBeUndefined();
    expect(slow.status).toBe('active');
    const dueInMs = slow.nextRunAt.toMillis() - Date.now();
    expect(dueInMs).toBeGreaterThan(50_000);
    expect(dueInMs).toBeLessThanOrEqual(60_000);
    // The call the stop cut was sent once: an aborted call is never retried.
    expect(h.sandbox.drive.stats('stop-slow').totalCalls - callsBefore).toBe(1);
    // The user beside it was not held up by the stop.
    const quick = await h.user('stop-quick');
    expect(quick.lastError).toBeUndefined();
    expect(quick.lastSummary).toMatchObject({ enhanced: 1 });

    const logged = h.logs.slice(before).map((line) => JSON.parse(line) as Line);
    expect(logged.filter((line) => line.stopped === true)).toEqual([expect.objectContaining({ userId: 'stop-slow', severity: 'WARNING' })]);
    expect(logged.find((line) => line.summary === 'worker')).toMatchObject({ users: 2, done: 2, stopped: 1, failed: 0 });
    // The cut page read is not taken for a page token Drive refused (which would start a fresh listing).
    expect(logged.filter((line) => String(line.message).includes('page token'))).toEqual([]);
    expect(slow.jobs?.['photo-enhancement']?.cursor).toMatchObject({ phase: 'changes' });
  }, 40_000);

  it('a user whose lane comes only after the deadline is released without a refresh, due again in a minute', async () => {
    await h.connect('late-slow', 1);
    await h.connect('late-next', 1);
    h.sandbox.drive.setUserFaults('late-slow', { latencyMs: 20_000 });
    // Its cached access token has expired: a run would refresh it first.
    await h.db.collection('users').doc('late-next').update({ accessTokenExpiresAt: new Date(0) });
    const claimed = await claimEveryDueUser(h.db);
    // One lane: the slow user holds it until the stop, past the deadline.
    const users = ['late-slow', 'late-next'].map((id) => claimed.find((u) => u.userId === id)!);
    const oneLane = h.workerDeps({ config: { ...h.workerDeps().config, concurrency: 1 } });
    const refreshesBefore = h.sandbox.admin.stats().refreshes;
    const before = h.logs.length;

    await createWorkerHandler(oneLane, oneLane.logger)(event({ v: 1, users }, 'msg-late'));

    expect(h.sandbox.admin.stats().refreshes - refreshesBefore).toBe(0);
    const next = await h.user('late-next');
    expect(next.lease).toBeUndefined();
    expect(next.dispatch).toBeUndefined();
    expect(next.lastRunAt).toBeUndefined();
    expect(next.lastError).toBeUndefined();
    const dueInMs = next.nextRunAt.toMillis() - Date.now();
    expect(dueInMs).toBeGreaterThan(50_000);
    expect(dueInMs).toBeLessThanOrEqual(60_000);
    const logged = h.logs.slice(before).map((line) => JSON.parse(line) as Line);
    expect(logged.find((line) => line.summary === 'worker')).toMatchObject({ users: 2, done: 1, stopped: 1, skipped: 1, skippedBy: { past_deadline: 1 } });
  }, 40_000);

  it('a token refresh failing over and over starts no retry after the hard stop', async () => {
    await h.connect('stop-refresh', 1);
    await h.db.collection('users').doc('stop-refresh').update({ accessTokenExpiresAt: new Date(0) });
    const users = (await claimEveryDueUser(h.db)).filter((u) => u.userId === 'stop-refresh');
    // Without the stop these retries would go on for about 40 s: 60 attempts of 0.3 s, 0.2-0.4 s apart.
    const patient = h.workerDeps({ refreshRetry: { maxAttempts: 60, baseDelayMs: 400, maxDelayMs: 400 } });
    const refreshes = () => h.sandbox.admin.stats().tokenRequestsByGrantType.refresh_token ?? 0;
    h.sandbox.admin.setFaults({ tokenEndpoint: { status5xxRate: 1, latencyMs: 300 } });
    try {
      const before = refreshes();
      const started = Date.now();
      await createWorkerHandler(patient, patient.logger)(event({ v: 1, users }, 'msg-refresh'));
      const elapsedMs = Date.now() - started;
      const attempts = refreshes() - before;

      expect(elapsedMs).toBeLessThan(TIMEOUT_SECONDS * 1000);
      expect(elapsedMs).toBeGreaterThanOrEqual((TIMEOUT_SECONDS - 1) * 1000 - 100);
      // Attempts went on until the stop (7 s of 0.3-0.7 s each), and none after it.
      expect(attempts).toBeGreaterThanOrEqual(8);
      expect(attempts).toBeLessThan(30);
      await new Promise((resolve) => setTimeout(resolve, 1_000));
      expect(refreshes() - before).toBe(attempts);
      // Recorded as the refresh's failure, with its backoff: not as a run the stop cut.
      const user = await h.user('stop-refresh');
      expect(user.lastError).toBe('upstream_unavailable');
      expect(user.attempts).toBe(1);
      expect(user.lease).toBeUndefined();
      expect(user.status).toBe('active');
    } finally {
      h.sandbox.admin.setFaults({});
    }
  }, 40_000);
});
