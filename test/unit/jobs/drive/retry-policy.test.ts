import { Readable } from 'node:stream';
import { driveRetryDelayMs, shouldRetryDriveCall } from '../../../../functions/src/drive/retry-policy';

const policy = { maxRetries: 3, baseDelayMs: 500, maxRetryDelayMs: 10_000 };

function failed(method: string, status: number, options: { attempt?: number; retryAfter?: string; data?: unknown; reason?: string } = {}) {
  return {
    config: { method, data: options.data, retryConfig: { currentRetryAttempt: options.attempt ?? 0 } },
    response: {
      status,
      data: { error: { errors: options.reason ? [{ reason: options.reason }] : [] } },
      headers: new Headers(options.retryAfter ? { 'retry-after': options.retryAfter } : {}),
    },
  };
}

describe('Drive retry policy', () => {
  it.each(['GET', 'PATCH', 'PUT', 'DELETE'])('retries a transient failure of %s', (method) => {
    expect(shouldRetryDriveCall(failed(method, 503), policy)).toBe(true);
  });

  it('never retries POST: a create that failed may still have happened', () => {
    expect(shouldRetryDriveCall(failed('POST', 503), policy)).toBe(false);
  });

  it('does not retry a request whose body was a stream (it cannot be sent again)', () => {
    expect(shouldRetryDriveCall(failed('PATCH', 503, { data: Readable.from(['x']) }), policy)).toBe(false);
  });

  it('retries a rate-limit 403 but not a permission 403, a 401 or a 404', () => {
    expect(shouldRetryDriveCall(failed('GET', 403, { reason: 'userRateLimitExceeded' }), policy)).toBe(true);
    expect(shouldRetryDriveCall(failed('GET', 403, { reason: 'insufficientPermissions' }), policy)).toBe(false);
    expect(shouldRetryDriveCall(failed('GET', 401), policy)).toBe(false);
    expect(shouldRetryDriveCall(failed('GET', 404), policy)).toBe(false);
  });

  it("does not retry a call its caller aborted (the worker's hard stop), but retries its own per-attempt timeout", () => {
    const network = (code: string) => Object.assign(new Error('no answer'), { code, config: { method: 'GET', retryConfig: { currentRetryAttempt: 0 } } });
    expect(shouldRetryDriveCall(network('AbortError'), policy)).toBe(false);
    expect(shouldRetryDriveCall(network('TimeoutError'), policy)).toBe(true);
    expect(shouldRetryDriveCall(network('ECONNRESET'), policy)).toBe(true);
  });

  it('stops after maxRetries', () => {
    expect(shouldRetryDriveCall(failed('GET', 500, { attempt: 2 }), policy)).toBe(true);
    expect(shouldRetryDriveCall(failed('GET', 500, { attempt: 3 }), policy)).toBe(false);
  });

  it('leaves a Retry-After longer than maxRetryDelayMs to the caller', () => {
    expect(shouldRetryDriveCall(failed('GET', 429, { retryAfter: '10' }), policy)).toBe(true);
    expect(shouldRetryDriveCall(failed('GET', 429, { retryAfter: '11' }), policy)).toBe(false);
  });

  it('waits at least Retry-After, otherwise capped exponential backoff with jitter', () => {
    const noJitter = () => 0.999;
    expect(driveRetryDelayMs(failed('GET', 429, { retryAfter: '4' }), 1, policy, noJitter)).toBe(4000);
    expect(driveRetryDelayMs(failed('GET', 503), 1, policy, noJitter)).toBe(500);
    expect(driveRetryDelayMs(failed('GET', 503), 3, policy, noJitter)).toBe(1998);
    expect(driveRetryDelayMs(failed('GET', 503), 10, policy, noJitter)).toBe(9990);
    expect(driveRetryDelayMs(failed('GET', 503), 3, policy, () => 0)).toBe(0);
  });
});
