import { classifyApiFailure } from '../../../functions/src/google/api-failure';

/** The shape gaxios gives a failed call: the response with parsed (or, for downloads, raw) data. */
function httpError(status: number, reason?: string, headers: Record<string, string> = {}, asBytes = false): Error {
  const body = { error: { code: status, message: 'm', errors: reason ? [{ domain: 'usageLimits', reason, message: 'm' }] : [] } };
  const data = asBytes ? new TextEncoder().encode(JSON.stringify(body)).buffer : body;
  return Object.assign(new Error('request failed'), { name: 'GaxiosError', response: { status, data, headers: new Headers(headers) } });
}

describe('classifyApiFailure', () => {
  it.each([
    [401, undefined, 'unauthorized', false],
    [403, 'userRateLimitExceeded', 'rate_limited', true],
    [403, 'rateLimitExceeded', 'rate_limited', true],
    [429, 'rateLimitExceeded', 'rate_limited', true],
    [500, 'backendError', 'unavailable', true],
    // A backend error answered as 403 is still one: it may follow work Drive did (enhance-one.ts).
    [403, 'backendError', 'unavailable', true],
    [403, 'internalError', 'unavailable', true],
    [503, undefined, 'unavailable', true],
    [408, undefined, 'unavailable', true],
    [404, 'notFound', 'not_found', false],
    [403, 'insufficientPermissions', 'forbidden', false],
    // The user's storage is full: theirs to fix, and lasting (run-failure.ts waits a whole interval).
    [403, 'storageQuotaExceeded', 'storage_full', false],
    [400, 'invalid', 'rejected', false],
  ])('HTTP %s %s is %s', (status, reason, code, transient) => {
    expect(classifyApiFailure(httpError(status, reason))).toMatchObject({ code, transient, httpStatus: status, reason });
  });

  it('reads the reason of an error body that arrived as bytes (downloads ask for arraybuffer)', () => {
    expect(classifyApiFailure(httpError(403, 'userRateLimitExceeded', {}, true))).toMatchObject({
      code: 'rate_limited',
      reason: 'userRateLimitExceeded',
    });
  });

  it('keeps Retry-After, in milliseconds', () => {
    expect(classifyApiFailure(httpError(429, 'rateLimitExceeded', { 'retry-after': '7' })).retryAfterMs).toBe(7000);
  });

  it('treats a refused connection as unavailable', () => {
    const refused = Object.assign(new Error('connect ECONNREFUSED'), { code: 'ECONNREFUSED' });
    expect(classifyApiFailure(refused)).toMatchObject({ code: 'unavailable', transient: true, httpStatus: undefined, neverSent: true });
  });
});

describe('classifyApiFailure on timeouts', () => {
  it("counts gaxios' own timeout (code TimeoutError) as unavailable", () => {
    const timeout = Object.assign(new Error('The operation was aborted due to timeout'), { code: 'TimeoutError' });
    expect(classifyApiFailure(timeout)).toMatchObject({ code: 'unavailable', transient: true });
  });
});
