import { type FuzzStack, startFuzzStack } from './fuzz-stack';
import { FUZZ_TARGETS } from './fuzz-targets';
import { formatReports, fuzzTarget, type FuzzReport } from './run-fuzz';

/**
 * Property-based fuzzing of every HTTP function through its real process (`npm run fuzz` runs many
 * more cases): only documented 4xx answers in the product's error shape, never a 5xx, nothing stored.
 */
const RUNS_PER_FUNCTION = 200;

describe('fuzzing the HTTP functions', () => {
  let stack: FuzzStack;
  const reports: FuzzReport[] = [];

  beforeAll(async () => {
    stack = await startFuzzStack(FUZZ_TARGETS);
  }, 60_000);
  afterAll(async () => {
    if (reports.length > 0) console.log(formatReports(reports));
    await stack?.close();
  });

  it('covers every HTTP function the package registers', () => {
    expect(new Set(stack.running.map((r) => r.target.functionName))).toEqual(
      new Set(['exchangeAuthCode', 'dispatchOfflineWork', 'rewrapTokens', 'backfillShards', 'disconnect', 'offlineStatus', 'riscReceiver', 'deliverUserEvents', 'createPhotoPickerSession']),
    );
  });

  it.each(FUZZ_TARGETS.map((target) => [target.name]))(
    '%s: documented 4xx only, never a 5xx, nothing stored',
    async (name) => {
      const running = stack.running.find((r) => r.target.name === name)!;
      const report = await fuzzTarget(running, { numRuns: RUNS_PER_FUNCTION });
      reports.push(report);
      expect(report.failures).toEqual([]);
      expect(report.runs).toBe(RUNS_PER_FUNCTION);
    },
    60_000,
  );
});
