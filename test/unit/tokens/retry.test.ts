import { backoffDelayMs, retryTransient, type RetryPolicy } from '../../../functions/src/tokens/retry';

const policy: RetryPolicy = { maxAttempts: 4, baseDelayMs: 100, maxDelayMs: 300 };

describe('retryTransient', () => {
  it('retries transient failures with capped, jittered exponential waits', async () => {
    const waits: number[] = [];
    let calls = 0;
    const result = await retryTransient(
      async () => {
        calls += 1;
        if (calls < 4) throw new Error('transient');
        return 'done';
      },
      () => true,
      policy,
      { sleep: async (ms) => void waits.push(ms), random: () => 0.999 },
    );
    expect(result).toBe('done');
    expect(calls).toBe(4);
    // ceilings 100, 200, 400 capped to 300; random just under 1 gives just under each ceiling
    expect(waits).toEqual([99, 199, 299]);
  });

  it('gives up after maxAttempts with the last error', async () => {
    let calls = 0;
    const failing = retryTransient(
      async () => {
        calls += 1;
        throw new Error(`failure ${calls}`);
      },
      () => true,
      policy,
      { sleep: async () => {}, random: () => 0 },
    );
    await expect(failing).rejects.toThrow('failure 4');
    expect(calls).toBe(4);
  });

  it('does not retry a permanent failure', async () => {
    let calls = 0;
    const failing = retryTransient(
      async () => {
        calls += 1;
        throw new Error('permanent');
      },
      () => false,
      policy,
      { sleep: async () => {}, random: () => 0 },
    );
    await expect(failing).rejects.toThrow('permanent');
    expect(calls).toBe(1);
  });

  it('full jitter spreads waits over [0, ceiling)', () => {
    expect(backoffDelayMs(policy, 0, () => 0)).toBe(0);
    expect(backoffDelayMs(policy, 1, () => 0.5)).toBe(100);
    expect(backoffDelayMs(policy, 10, () => 0.5)).toBe(150);
  });
});
