import { execFile } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { join } from 'node:path';
import { Firestore, Timestamp } from '@google-cloud/firestore';
import { DueIndex } from '../../../functions/src/offline/due-index/due-index';
import { recordDispatcherRun } from '../../../functions/src/offline/dispatch/dispatch-runs';
import type { ShardResult } from '../../../functions/src/offline/dispatch/dispatch-shard';
import { collectFleetReport, type FleetReport, formatFleetReport } from '../../../scripts/lib/fleet-report';
import { LOCAL_PROJECT } from '../../../scripts/lib/local-env';
import { REPO_ROOT } from '../../../scripts/lib/stack-layout';
import { seedUsers } from '../../support/users';

/**
 * `npm run fleet` against a seeded emulator: every figure is counted from users written here, and
 * the CLI (pointed at this emulator as at `npm start`'s, through LOCAL_PORT_OFFSET) prints the same.
 */
const NOW = Date.now();
const HOUR = 3_600_000;
const ago = (ms: number) => Timestamp.fromMillis(NOW - ms);
const shardResult = (shard: number, dispatched: number, truncated: boolean): ShardResult => ({ shard, dispatched, truncated, batches: 1, lostRaces: 0, oldestDueSeconds: 30, durationMs: 120 });

describe('the fleet report, against a seeded emulator', () => {
  const collection = `fleet${randomUUID().slice(0, 8)}`;
  let db: Firestore;
  let report: FleetReport;

  beforeAll(async () => {
    db = new Firestore({ projectId: LOCAL_PROJECT });
    await new DueIndex(db, collection).state(3);
    // Active: 6 on shard 0 (2 due 3 h ago and 10 min ago, 4 not due), 3 on shard 1 (1 due 30 min ago), 0 due on shard 2.
    await seedUsers(db, 2, (i) => ({ shard: 0, nextRunAt: ago(i === 0 ? 3 * HOUR : 10 * 60_000), updatedAt: ago(48 * HOUR) }), collection, 'due0');
    await seedUsers(db, 4, () => ({ shard: 0, nextRunAt: Timestamp.fromMillis(NOW + HOUR), updatedAt: ago(2 * HOUR) }), collection, 'later0');
    await seedUsers(db, 1, () => ({ shard: 1, nextRunAt: ago(30 * 60_000), updatedAt: ago(30 * HOUR), lastError: 'upstream_rate_limited' }), collection, 'due1');
    await seedUsers(db, 2, (i) => ({ shard: 1, nextRunAt: Timestamp.fromMillis(NOW + HOUR), updatedAt: ago(5 * HOUR), lastError: i === 0 ? 'job_failed' : 'a_code_from_the_future' }), collection, 'later1');
    await seedUsers(db, 1, () => ({ shard: 2, nextRunAt: Timestamp.fromMillis(NOW + HOUR), updatedAt: ago(50 * HOUR), lastError: 'job_failed' }), collection, 'later2');
    // Lost: 3 reauth_required (2 within 24 h, still due-looking: not counted as due), 2 disconnected tombstones (1 within 24 h).
    await seedUsers(db, 3, (i) => ({ status: 'reauth_required', shard: 2, lastError: 'reauth_required', nextRunAt: ago(HOUR), updatedAt: ago(i < 2 ? 3 * HOUR : 40 * HOUR) }), collection, 'reauth');
    for (const [id, hours] of [['gone-1', 1], ['gone-2', 72]] as const) {
      await db.collection(collection).doc(id).set({ userId: id, status: 'disconnected', shard: 1, disconnectedAt: ago(hours * HOUR), updatedAt: ago(hours * HOUR), createdAt: ago(100 * HOUR) });
    }
    await recordDispatcherRun(db, collection, { trigger: 'tick', at: new Date(NOW - 60_000), results: [shardResult(0, 7, true), shardResult(1, 2, false)], tick: { shards: 3, fannedOut: false } });
    report = await collectFleetReport(db, { collection, intervalSeconds: 3600, now: new Date(NOW) });
  });
  afterAll(() => db.terminate());

  it('counts users by status', () => {
    expect(report.usersByStatus).toEqual({ active: 10, reauth_required: 3, disconnected: 2 });
  });

  it('counts active users by lastError, with codes it does not know as other', () => {
    expect(report.activeByLastError).toEqual({ upstream_rate_limited: 1, job_failed: 2, other: 1 });
  });

  it('says per shard how many are due and how far behind the oldest due user is', () => {
    expect(report.shards.map(({ shard, due, oldestDueSeconds, behindIntervals }) => ({ shard, due, oldestDueSeconds, behindIntervals }))).toEqual([
      { shard: 0, due: 2, oldestDueSeconds: 10_800, behindIntervals: 3 },
      { shard: 1, due: 1, oldestDueSeconds: 1_800, behindIntervals: 0.5 },
      { shard: 2, due: 0, oldestDueSeconds: 0, behindIntervals: 0 },
    ]);
  });

  it('counts users connected and lost in the last 24 h', () => {
    expect(report.last24h).toEqual({ connected: 6, reauthRequired: 2, disconnected: 1 });
  });

  it('shows the last dispatcher runs', () => {
    expect(report.shards.map((s) => s.lastRun && { dispatched: s.lastRun.dispatched, truncated: s.lastRun.truncated })).toEqual([{ dispatched: 7, truncated: true }, { dispatched: 2, truncated: false }, undefined]);
    expect(report.lastTick).toMatchObject({ shards: 3, fannedOut: false, at: new Date(NOW - 60_000) });
    const text = formatFleetReport(report);
    expect(text).toMatch(/shard {3}0 +2 due +3 h behind \(3 intervals\) +last run 60 s ago: 7 dispatched, truncated in 120 ms/);
    expect(text).toMatch(/lost to reauth_required +2/);
  });

  it("npm run fleet -- --json prints the same figures, reading npm start's emulator", async () => {
    const [, port] = process.env.FIRESTORE_EMULATOR_HOST!.split(':');
    const offset = Number(port) - 8080; // firebase.json's Firestore port; LOCAL_PORT_OFFSET moves it onto this emulator
    const stdout = await new Promise<string>((resolve, reject) => {
      execFile(
        process.execPath,
        ['--import', 'tsx', join(REPO_ROOT, 'scripts', 'fleet.ts'), '--json', '--collection', collection],
        { cwd: REPO_ROOT, env: { PATH: process.env.PATH, LOCAL_PORT_OFFSET: String(offset) }, encoding: 'utf8', timeout: 60_000 },
        (error, out, stderr) => (error ? reject(new Error(`${error.message}\n${stderr}`)) : resolve(out)),
      );
    });
    const printed = JSON.parse(stdout) as FleetReport;
    expect(printed.usersByStatus).toEqual(report.usersByStatus);
    expect(printed.activeByLastError).toEqual(report.activeByLastError);
    expect(printed.last24h).toEqual(report.last24h);
    expect(printed.shards.map((s) => s.due)).toEqual([2, 1, 0]);
    expect(printed.shards[0]!.oldestDueSeconds).toBeGreaterThanOrEqual(10_800);
  }, 60_000);

  it('refuses an unknown flag or a bad project id, without touching Firestore', async () => {
    const run = (args: string[]) =>
      new Promise<{ code: number; stderr: string }>((resolve) => {
        execFile(process.execPath, ['--import', 'tsx', join(REPO_ROOT, 'scripts', 'fleet.ts'), ...args], { cwd: REPO_ROOT, env: { PATH: process.env.PATH }, encoding: 'utf8' }, (error, _out, stderr) =>
          resolve({ code: error ? (typeof error.code === 'number' ? error.code : 1) : 0, stderr }),
        );
      });
    expect(await run(['--projet', 'x'])).toMatchObject({ code: 1, stderr: expect.stringMatching(/Unknown option '--projet'/) });
    expect(await run(['--project', 'Bad_Project'])).toMatchObject({ code: 1, stderr: expect.stringMatching(/not a Google Cloud project id/) });
  }, 60_000);
});
