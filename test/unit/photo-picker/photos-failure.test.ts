import { AppError } from '../../../functions/src/errors/app-error';
import { httpStatusFor } from '../../../functions/src/errors/http-status';
import { classifyApiFailure } from '../../../functions/src/google/api-failure';
import { GrantRevokedError } from '../../../functions/src/google/refresh-access-token';
import { AccessRefreshError } from '../../../functions/src/google/user-auth-client';
import { PhotosCallError } from '../../../functions/src/google-photos/photos-http';
import { createLogger } from '../../../functions/src/logging/logger';
import { photosFailure } from '../../../functions/src/photo-picker/photos-failure';

/** What the Picker API answers on failure: google.rpc.Status in Google's JSON error shape. */
function pickerError(status: number, canonical: string, headers: Record<string, string> = {}): PhotosCallError {
  const body = { error: { code: status, message: 'Request had invalid authentication credentials. token ya29.secret', status: canonical } };
  const error = Object.assign(new Error('request failed'), { name: 'GaxiosError', response: { status, data: body, headers: new Headers(headers) } });
  return new PhotosCallError('sessions.create', classifyApiFailure(error), error);
}

function mapped(error: unknown, logs: string[] = []): AppError {
  const result = photosFailure(error, createLogger({}, (line) => logs.push(line)));
  if (!(result instanceof AppError)) throw new Error('expected an AppError');
  return result;
}

describe('photosFailure: a Picker API failure as the app sees it', () => {
  it.each([
    [503, 'UNAVAILABLE', 'upstream_unavailable', 503],
    [500, 'INTERNAL', 'upstream_unavailable', 503],
    [429, 'RESOURCE_EXHAUSTED', 'upstream_unavailable', 503],
    [401, 'UNAUTHENTICATED', 'reauth_required', 409],
    [400, 'FAILED_PRECONDITION', 'no_photos_account', 409],
    [403, 'PERMISSION_DENIED', 'internal', 500],
    [400, 'INVALID_ARGUMENT', 'internal', 500],
  ])('HTTP %s %s is %s (%s)', (status, canonical, code, httpStatus) => {
    const error = mapped(pickerError(status, canonical));
    expect({ code: error.code, status: httpStatusFor(error.code) }).toEqual({ code, status: httpStatus });
    expect(error.message).not.toMatch(/ya29|credentials/);
  });

  it('asks for the wait Google asked for on a transient failure, and 5 s when it said nothing', () => {
    expect(mapped(pickerError(429, 'RESOURCE_EXHAUSTED', { 'retry-after': '30' })).retryAfterSeconds).toBe(30);
    expect(mapped(pickerError(503, 'UNAVAILABLE')).retryAfterSeconds).toBe(5);
  });

  it('a revoked grant asks the app to sign in again', () => {
    expect(mapped(new GrantRevokedError()).code).toBe('reauth_required');
  });

  it('keeps an AppError as it is, also one a refresh threw while retrying a refused token', () => {
    const keyDown = new AppError('key_unavailable', 'The token key is not available.', { retryAfterSeconds: 5 });
    expect(mapped(keyDown)).toBe(keyDown);
    const refreshDown = new AppError('upstream_unavailable', 'Google is not answering right now.', { retryAfterSeconds: 5 });
    expect(mapped(new AccessRefreshError(refreshDown))).toBe(refreshDown);
  });

  it('logs a refusal it cannot explain at ERROR by its codes, never with Google\'s message', () => {
    const logs: string[] = [];
    mapped(pickerError(403, 'PERMISSION_DENIED'), logs);
    expect(logs).toHaveLength(1);
    expect(JSON.parse(logs[0]!)).toMatchObject({ severity: 'ERROR', errorCode: 'forbidden', httpStatus: 403, reason: 'PERMISSION_DENIED' });
    expect(logs[0]).not.toContain('ya29');
  });

  it('passes anything else through unchanged (a bug, reported by the HTTP adapter)', () => {
    const bug = new TypeError('x is undefined');
    expect(photosFailure(bug, createLogger({}, () => {}))).toBe(bug);
  });
});
