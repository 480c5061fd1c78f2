import { parseCapacityArgs, UsageError } from '../../../bench/capacity/args';
import { functionSizes, shardRunBounds } from '../../../scripts/lib/deploy-settings';
import { loadLimits } from '../../../bench/capacity/limits';

describe('parseCapacityArgs', () => {
  it('reads one size or several, and every option in both spellings', () => {
    const args = parseCapacityArgs(['--users', '100_000,1000000', '--interval=3600', '--shards', '32', '--shard-rate=200', '--photo-share', '0.25', '--check-deployed']);
    expect(args).toMatchObject({ users: [100_000, 1_000_000], intervalSeconds: 3600, shards: 32, shardRate: 200, photoShare: 0.25, checkDeployed: true });
    expect(parseCapacityArgs(['--users=5', '--interval=60'])).toMatchObject({ shards: undefined, photoShare: 1, googleLatencyMs: undefined });
  });

  it.each([
    [['--interval', '3600'], /--users and --interval are required/],
    [['--users', 'many', '--interval', '3600'], /--users must be a positive whole number, not many/],
    [['--users', '10', '--interval', '3600', '--photo-share', '2'], /--photo-share must be a share from 0 to 1/],
    [['--users', '10', '--interval', '3600', '--shards', '0'], /--shards must be a whole number/],
    [['--users', '10', '--interval'], /--interval needs a value/],
    [['--users', '10', '--interval', '60', '--speed'], /unknown argument --speed/],
  ])('refuses %j', (argv, message) => {
    expect(() => parseCapacityArgs(argv)).toThrow(UsageError);
    expect(() => parseCapacityArgs(argv)).toThrow(message);
  });
});

describe('the deploy the model reads', () => {
  it("takes the worker's and the dispatcher's sizes from infra/lib/functions-table.sh, settings and all", () => {
    const sizes = functionSizes();
    expect(sizes.get('runOfflineWork')).toMatchObject({ memoryGiB: 1, vcpu: 1, timeoutSeconds: 540, maxInstancesSetting: 'WORKER_MAX_INSTANCES' });
    expect(sizes.get('dispatchOfflineWork')).toMatchObject({ maxInstancesSetting: 'DISPATCHER_MAX_INSTANCES' });
    expect(sizes.get('exchangeAuthCode')).toMatchObject({ memoryGiB: 0.5, maxInstancesSetting: undefined });
  });

  it("bounds a shard run by the dispatch subscription's ack deadline as deploy.sh sets it and DISPATCH_BUDGET_SECONDS' default", () => {
    const { ackDeadlineSeconds, budgetSeconds } = shardRunBounds();
    expect(budgetSeconds).toBe(50);
    expect(ackDeadlineSeconds).toBeGreaterThan(budgetSeconds);
    expect(ackDeadlineSeconds).toBeLessThanOrEqual(600);
    expect(() => shardRunBounds(__filename)).toThrow(/no FAN_OUT_ACK_DEADLINE_SECONDS/);
  });

  it('cites every limit and price it checks against, with a quote and the date read', () => {
    const limits = loadLimits();
    for (const entry of [...Object.values(limits.limits), ...Object.entries(limits.prices).filter(([key]) => key !== 'about' && key !== 'read').map(([, v]) => v)]) {
      expect(entry).toMatchObject({ source: expect.stringMatching(/^https:\/\//), quote: expect.any(String) });
    }
    expect(limits.read).toMatch(/^\d{4}-\d{2}-\d{2}$/);
    expect(limits.limits.driveUnitsPerMinute.kind).toBe('raisable');
    expect(limits.limits.firestoreSequentialIndexWrites.kind).toBe('hard');
  });
});
