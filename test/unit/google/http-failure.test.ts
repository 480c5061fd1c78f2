import { classifyGoogleFailure, readHttpFailure } from '../../../functions/src/google/http-failure';

const answered = (status: number, data: unknown, headers: Record<string, string> = {}) =>
  Object.assign(new Error('request failed'), { response: { status, data, headers: new Headers(headers) } });

describe('classifyGoogleFailure', () => {
  it("counts gaxios' own timeout and refused connections as transient", () => {
    expect(classifyGoogleFailure(Object.assign(new Error('aborted'), { code: 'TimeoutError' }))).toEqual({ kind: 'transient' });
    expect(classifyGoogleFailure(new Error('x', { cause: Object.assign(new Error('y'), { code: 'ECONNREFUSED' }) }))).toEqual({ kind: 'transient' });
  });

  it("never retries a call its caller aborted (the worker's hard stop), whatever else it looks like", () => {
    expect(classifyGoogleFailure(Object.assign(new Error('The operation was aborted'), { code: 'AbortError' }))).toEqual({ kind: 'permanent' });
  });

  it('treats a bug in our own code as permanent', () => {
    expect(classifyGoogleFailure(new TypeError('undefined is not a function'))).toEqual({ kind: 'permanent' });
  });

  it('never retries invalid_grant, and retries rate limits honouring Retry-After', () => {
    expect(classifyGoogleFailure(answered(400, { error: 'invalid_grant' }))).toEqual({ kind: 'permanent' });
    const limited = answered(403, { error: { errors: [{ reason: 'userRateLimitExceeded' }] } }, { 'retry-after': '7' });
    expect(classifyGoogleFailure(limited)).toEqual({ kind: 'transient', retryAfterMs: 7000 });
    expect(readHttpFailure(limited)).toMatchObject({ status: 403, reason: 'userRateLimitExceeded' });
    expect(classifyGoogleFailure(answered(403, { error: { errors: [{ reason: 'insufficientPermissions' }] } }))).toEqual({ kind: 'permanent' });
  });
});
