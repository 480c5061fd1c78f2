import { EventEmitter } from 'node:events';
import { backoffDelayMs, parseRetryAfter, RetriesExhaustedError, withRetry } from '../../../functions/src/retry/retry';

const policy = { maxAttempts: 4, baseDelayMs: 100, maxDelayMs: 1_000 };

describe('withRetry', () => {
  it('retries transient failures with capped, jittered exponential delays', async () => {
    const sleeps: number[] = [];
    let calls = 0;
    const result = await withRetry(
      async () => {
        calls += 1;
        if (calls < 4) throw new Error('transient');
        return 'ok';
      },
      () => ({ kind: 'transient' }),
      policy,
      { sleep: async (ms) => void sleeps.push(ms), random: () => 1 },
    );
    expect(result).toBe('ok');
    expect(sleeps).toEqual([100, 200, 400]);
  });

  it('caps the delay and applies full jitter', () => {
    expect(backoffDelayMs(10, policy, () => 1)).toBe(1_000);
    expect(backoffDelayMs(3, policy, () => 0.5)).toBe(200);
  });

  it('never retries a permanent failure', async () => {
    let calls = 0;
    const failure = new Error('invalid_grant');
    await expect(
      withRetry(async () => {
        calls += 1;
        throw failure;
      }, () => ({ kind: 'permanent' }), policy),
    ).rejects.toBe(failure);
    expect(calls).toBe(1);
  });

  it('waits at least as long as Retry-After asks', async () => {
    const sleeps: number[] = [];
    let calls = 0;
    await withRetry(
      async () => {
        calls += 1;
        if (calls === 1) throw new Error('429');
        return 'ok';
      },
      () => ({ kind: 'transient', retryAfterMs: 700 }),
      policy,
      { sleep: async (ms) => void sleeps.push(ms), random: () => 0 },
    );
    expect(sleeps).toEqual([700]);
  });

  it('gives up at once, reporting the wait, when Retry-After exceeds the cap', async () => {
    let calls = 0;
    const error = await withRetry(
      async () => {
        calls += 1;
        throw new Error('429');
      },
      () => ({ kind: 'transient', retryAfterMs: 30_000 }),
      policy,
      { sleep: async () => undefined },
    ).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(RetriesExhaustedError);
    expect((error as RetriesExhaustedError).retryAfterMs).toBe(30_000);
    expect(calls).toBe(1);
  });

  it('stops after maxAttempts', async () => {
    let calls = 0;
    const error = await withRetry(
      async () => {
        calls += 1;
        throw new Error('503');
      },
      () => ({ kind: 'transient' }),
      policy,
      { sleep: async () => undefined },
    ).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(RetriesExhaustedError);
    expect(calls).toBe(4);
  });
});

describe('withRetry with a stop signal', () => {
  const transient = () => ({ kind: 'transient' as const });

  it('ends a backoff in progress when the signal fires, and starts no further attempt', async () => {
    const stop = new AbortController();
    let calls = 0;
    const started = Date.now();
    setTimeout(() => stop.abort(new Error('answered at the deadline')), 50);
    const error = await withRetry(
      async () => {
        calls += 1;
        throw new Error('503');
      },
      transient,
      { maxAttempts: 5, baseDelayMs: 10_000, maxDelayMs: 10_000 },
      { random: () => 1 },
      stop.signal,
    ).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(RetriesExhaustedError);
    expect((error as RetriesExhaustedError).attempts).toBe(1);
    expect(calls).toBe(1);
    // The 10 s backoff was cut at the stop.
    expect(Date.now() - started).toBeLessThan(5_000);
  });

  it('gives up after an attempt that failed once the signal has fired, without waiting', async () => {
    const stop = new AbortController();
    const sleeps: number[] = [];
    let calls = 0;
    const error = await withRetry(
      async () => {
        calls += 1;
        stop.abort();
        throw new Error('timeout');
      },
      transient,
      policy,
      { sleep: async (ms) => void sleeps.push(ms) },
      stop.signal,
    ).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(RetriesExhaustedError);
    expect(calls).toBe(1);
    expect(sleeps).toEqual([]);
  });

  it('makes its first attempt even when the signal has already fired, but no retry', async () => {
    let calls = 0;
    expect(await withRetry(async () => ((calls += 1), 'ok'), transient, policy, {}, AbortSignal.abort())).toBe('ok');
    const failure = new Error('503');
    const error = await withRetry(
      async () => {
        calls += 1;
        throw failure;
      },
      transient,
      policy,
      {},
      AbortSignal.abort(),
    ).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(RetriesExhaustedError);
    expect((error as RetriesExhaustedError).lastError).toBe(failure);
    expect(calls).toBe(2);
  });

  it('leaves no listener on the signal once a backoff has ended', async () => {
    const stop = new AbortController();
    let calls = 0;
    await withRetry(
      async () => {
        calls += 1;
        if (calls < 3) throw new Error('503');
        return 'ok';
      },
      transient,
      { maxAttempts: 3, baseDelayMs: 5, maxDelayMs: 5 },
      {},
      stop.signal,
    );
    expect(EventEmitter.getEventListeners(stop.signal, 'abort')).toHaveLength(0);
  });

  it('returns what an attempt in flight at the stop answers', async () => {
    const stop = new AbortController();
    const result = await withRetry(
      async () => {
        stop.abort();
        return 'ok';
      },
      transient,
      policy,
      {},
      stop.signal,
    );
    expect(result).toBe('ok');
  });

  it('retries as before while the signal has not fired', async () => {
    let calls = 0;
    const result = await withRetry(
      async () => {
        calls += 1;
        if (calls < 3) throw new Error('503');
        return 'ok';
      },
      transient,
      policy,
      { random: () => 0 },
      new AbortController().signal,
    );
    expect(result).toBe('ok');
    expect(calls).toBe(3);
  });
});

describe('parseRetryAfter', () => {
  it('reads delta-seconds and HTTP dates', () => {
    expect(parseRetryAfter('3')).toBe(3_000);
    expect(parseRetryAfter('Thu, 01 Jan 2026 00:00:10 GMT', Date.parse('Thu, 01 Jan 2026 00:00:00 GMT'))).toBe(10_000);
    expect(parseRetryAfter('soon')).toBeUndefined();
    expect(parseRetryAfter(undefined)).toBeUndefined();
  });
});
