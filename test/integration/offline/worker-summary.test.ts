import type { CloudEvent } from '@google-cloud/functions-framework';
import { createWorkerHandler } from '../../../functions/src/offline/work/worker-handler';
import { claimEveryDueUser } from '../../support/dispatch';
import { type OfflineHarness, startOfflineHarness } from '../../support/offline-harness';

type Line = Record<string, unknown>;
const parse = (lines: string[]): Line[] => lines.map((line) => JSON.parse(line) as Line);

describe('one summary line per worker invocation, every line carrying the message id and user', () => {
  let h: OfflineHarness;
  beforeAll(async () => {
    h = await startOfflineHarness('worker-summary');
  });
  afterAll(() => h.close());

  const TRACE = '0af7651916cd43dd8448eb211c80319c';
  const event = (data: unknown, messageId: string) =>
    ({ id: `event-${messageId}`, traceparent: `00-${TRACE}-b7ad6b7169203331-01`, data: { message: { data: Buffer.from(JSON.stringify(data)).toString('base64'), messageId } } }) as unknown as CloudEvent<never>;
  const handler = () => createWorkerHandler(h.workerDeps(), h.workerDeps().logger, { traceProject: 'my-project' });

  it('done, skipped by reason, failed by code, reauth_required, photos enhanced and the duration', async () => {
    await h.connect('sum-ann', 2);
    await h.connect('sum-rev', 1);
    await h.db.collection('users').doc('sum-rev').update({ accessTokenExpiresAt: new Date(0) });
    h.sandbox.admin.revokeGrant('sum-rev');
    const users = [...(await claimEveryDueUser(h.db)), { userId: 'sum-ghost', dispatchId: 'd' }];
    const before = h.logs.length;
    await handler()(event({ v: 1, users }, 'msg-42'));

    const logged = parse(h.logs.slice(before));
    const summaries = logged.filter((line) => line.summary === 'worker');
    expect(summaries).toHaveLength(1);
    expect(summaries[0]).toMatchObject({
      message: 'Offline work batch finished',
      messageId: 'msg-42',
      users: 3,
      done: 1,
      stopped: 0,
      skipped: 1,
      skippedBy: { missing: 1 },
      failed: 0,
      failedBy: {},
      reauth_required: 1,
      photosEnhanced: 2,
    });
    expect(typeof summaries[0]!.durationMs).toBe('number');
    for (const line of logged) expect(line).toMatchObject({ messageId: 'msg-42', 'logging.googleapis.com/trace': `projects/my-project/traces/${TRACE}` });
    const perUser = logged.filter((line) => line.summary === undefined);
    expect(perUser.length).toBeGreaterThan(0);
    for (const line of perUser) expect(['sum-ann', 'sum-rev', 'sum-ghost']).toContain(line.userId);
    expect(perUser.find((line) => line.errorCode === 'reauth_required')).toMatchObject({ userId: 'sum-rev', reauthReason: 'invalid_grant' });
  });

  it('a malformed message: its summary line, with nothing done', async () => {
    const before = h.logs.length;
    await handler()(event({ nope: true }, 'msg-bad'));
    const summaries = parse(h.logs.slice(before)).filter((line) => line.summary === 'worker');
    expect(summaries).toEqual([expect.objectContaining({ messageId: 'msg-bad', users: 0, done: 0, malformed: true })]);
  });
});
