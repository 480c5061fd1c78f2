import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { failsModel, verdictOf } from '../../../bench/capacity/checks';
import { exitCodeOf } from '../../../bench/capacity/exit-code';
import { layoutFromFile } from '../../../bench/capacity/firestore-indexes';
import { capacityModel } from '../../../bench/capacity/model';
import { syntheticInput } from './synthetic-figures';

const MONTH_SECONDS = 730 * 3600;

function indexesFile(content: object): string {
  const file = join(mkdtempSync(join(tmpdir(), 'capacity-indexes-')), 'firestore.indexes.json');
  writeFileSync(file, JSON.stringify(content));
  return file;
}

const UNSHARDED = { indexes: [{ collectionGroup: 'users', queryScope: 'COLLECTION', fields: [{ fieldPath: 'status' }, { fieldPath: 'nextRunAt' }] }] };

describe('the capacity model on round figures', () => {
  // 3.6 M users an hour: 1,000 runs/s; each run 2 reads, 3 writes, 100 Drive units, 10 ms CPU, 500 ms on a lane.
  const report = capacityModel(syntheticInput(3_600_000));

  it('turns users and interval into runs per second and users per one-minute tick', () => {
    expect(report.load.runsPerSecond).toBe(1000);
    expect(report.load.usersPerTick).toBe(60_000);
  });

  it('sizes the worker fleet from lanes and CPU: 32 lanes / 0.5 s = 64 runs/s an instance, below the CPU bound of 80', () => {
    expect(report.worker.lanesBound).toBe(64);
    expect(report.worker.cpuBound).toBeCloseTo(80);
    expect(report.worker.limitedBy).toBe('lanes');
    // 1,000 runs/s with 25% headroom = 1,250 runs/s, at 64 per instance.
    expect(report.worker.instances).toBe(Math.ceil(1250 / 64));
  });

  it("counts Drive quota units at the fleet's peak and asks for that much quota, without failing on it", () => {
    const drive = report.checks.find((check) => check.limitName === 'driveUnitsPerMinute')!;
    expect(drive.peak).toBe(1250 * 60 * 100);
    expect(verdictOf(drive)).toBe('raise');
    expect(drive.request).toBe(9_400_000); // 7.5 M with 25% headroom, two significant figures up
    expect(failsModel(drive)).toBe(false);
    expect(report.failures).toEqual([]);
  });

  it('bills the month: 3 writes per run plus one per sign-in, priced after the daily free tier', () => {
    const runs = 1000 * MONTH_SECONDS;
    expect(report.usage.firestoreWrites).toBe(3 * runs + 3_600_000);
    const firestore = report.costs.find((line) => line.service === 'Firestore')!;
    const reads = 2 * runs + (MONTH_SECONDS / 60) * report.dispatch.shards;
    const freeDays = MONTH_SECONDS / 86_400;
    const expected = ((reads - 50_000 * freeDays) * 0.03) / 1e5 + ((3 * runs + 3_600_000 - 20_000 * freeDays) * 0.09) / 1e5;
    expect(firestore.usd).toBeCloseTo(expected + ((3_600_000 * (2000 + 3 * 100)) / 2 ** 30 - 1) * 0.15, 2);
  });

  it('picks shards and a claim rate that keep each range under 400 writes/s: 240 claims/s + its part of 1,250 leases and finishes', () => {
    expect(report.dispatch.shards).toBe(16);
    expect(report.dispatch.shardRate).toBe(240);
    // 240 claims + 2 x 1,250 / 16 leases and finishes + sign-ins (3.6 M a month, peaking at 10x) / 16.
    expect(report.dispatch.hottest!.writesPerSecond).toBeCloseTo(240 + 2500 / 16 + (3_600_000 * 10) / MONTH_SECONDS / 16, 6);
    expect(report.dispatch.hottest!.id).toBe('composite (status, shard, nextRunAt)');
  });
});

describe('recommended shards', () => {
  it('grow with the users', () => {
    const shards = [100_000, 1_000_000, 10_000_000, 36_000_000, 100_000_000].map((users) => capacityModel(syntheticInput(users)).dispatch.shards);
    for (let i = 1; i < shards.length; i += 1) expect(shards[i]).toBeGreaterThanOrEqual(shards[i - 1]!);
    expect(shards.at(-1)!).toBeGreaterThan(shards[0]!);
  });

  it('keep every size on target, each shard claiming its users within half a tick', () => {
    for (const users of [100_000, 10_000_000, 100_000_000]) {
      const { dispatch } = capacityModel(syntheticInput(users));
      expect([users, dispatch.onTarget, dispatch.shardRunSeconds <= 30, dispatch.hottest!.writesPerSecond <= 400]).toEqual([users, true, true, true]);
    }
  });
});

describe('the exit status', () => {
  it('is non-zero when a hard limit is exceeded with the settings given: one shard for 36 M hourly users', () => {
    const report = capacityModel(syntheticInput(36_000_000, { shards: 1 }));
    expect(report.failures.map((check) => check.limitName)).toContain('firestoreSequentialIndexWrites');
    expect(exitCodeOf([report], false)).toBe(1);
  });

  it('is zero when only raisable quotas and billing thresholds are exceeded', () => {
    const report = capacityModel(syntheticInput(36_000_000));
    expect(report.checks.some((check) => verdictOf(check) === 'raise')).toBe(true);
    expect(report.checks.some((check) => verdictOf(check) === 'billed')).toBe(true);
    expect(exitCodeOf([report], false)).toBe(0);
  });

  it('fails on the deployed index layout only with --check-deployed', () => {
    const unsharded = capacityModel({ ...syntheticInput(3_600_000), deployedLayout: layoutFromFile(indexesFile(UNSHARDED)) });
    expect(unsharded.deployedIndexCheck.peak).toBeGreaterThan(500);
    expect([exitCodeOf([unsharded], false), exitCodeOf([unsharded], true)]).toEqual([0, 1]);
    const sharded = capacityModel({
      ...syntheticInput(3_600_000),
      deployedLayout: layoutFromFile(
        indexesFile({
          indexes: [{ collectionGroup: 'users', fields: [{ fieldPath: 'status' }, { fieldPath: 'shard' }, { fieldPath: 'nextRunAt' }] }],
          fieldOverrides: [
            { collectionGroup: 'users', fieldPath: '*', indexes: [] },
            { collectionGroup: 'users', fieldPath: 'refreshTokenIds', indexes: [{ arrayConfig: 'CONTAINS', queryScope: 'COLLECTION' }] },
          ],
        }),
      ),
    });
    expect(sharded.deployedIndexCheck.peak).toBeCloseTo(sharded.checks[0]!.peak, 6);
    expect(exitCodeOf([sharded], true)).toBe(0);
  });
});

describe('the workload', () => {
  it('rescales the time on a lane to a slower Google: 2 calls x 150 ms more', () => {
    const slower = capacityModel(syntheticInput(3_600_000, { googleLatencyMs: 200 }));
    expect(slower.run.laneMs).toBe(500 + 2 * 150);
    expect(slower.worker.instances).toBeGreaterThan(capacityModel(syntheticInput(3_600_000)).worker.instances);
  });

  it('scales the Secret Manager accesses with instances, not users', () => {
    const report = capacityModel(syntheticInput(3_600_000));
    const secrets = report.checks.find((check) => check.limitName === 'secretManagerAccessesPerMinute')!;
    expect(secrets.peak).toBeCloseTo((report.worker.instances + 1) * (60 / 300 + 60 / 3600 + (2 * 4) / 60), 6);
  });
});
