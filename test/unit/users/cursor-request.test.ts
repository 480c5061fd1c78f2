import type { HttpRequest } from '../../../functions/src/http/types';
import { encodeCursor, START_CURSOR } from '../../../functions/src/rotation/rewrap-cursor';
import { decodeCursor } from '../../../functions/src/rotation/rewrap-cursor';
import { readCursorRequest } from '../../../functions/src/users/sweep/cursor-request';

/** With rewrapTokens' cursor, the first of its users. */
const readRewrapRequest = (input: HttpRequest) => readCursorRequest(input, decodeCursor, START_CURSOR);

const request = (method: string, body = '', contentType = 'application/json'): HttpRequest => ({
  method,
  headers: { 'content-type': contentType },
  rawBody: Buffer.from(body),
});

describe('readCursorRequest', () => {
  it('starts a run on an empty body or an empty object', () => {
    expect(readRewrapRequest(request('POST'))).toEqual(START_CURSOR);
    expect(readRewrapRequest(request('POST', '{}'))).toEqual(START_CURSOR);
    expect(readRewrapRequest(request('POST', '{"cursor": null}'))).toEqual(START_CURSOR);
  });

  it('resumes from a cursor it issued (JSON or form)', () => {
    const cursor = { after: 'user-7', pass: 2, keyVersion: '3', settled: true, stale: 1 };
    expect(readRewrapRequest(request('POST', JSON.stringify({ cursor: encodeCursor(cursor) })))).toEqual(cursor);
    expect(readRewrapRequest(request('POST', `cursor=${encodeCursor(cursor)}`, 'application/x-www-form-urlencoded'))).toEqual(cursor);
  });

  it.each([
    ['GET', request('GET'), 'method_not_allowed'],
    ['a forged cursor', request('POST', '{"cursor": "eyJ2IjoxfQ"}'), 'invalid_request'],
    ['a non-string cursor', request('POST', '{"cursor": 12}'), 'invalid_request'],
    ['malformed JSON', request('POST', '{"cursor"'), 'invalid_request'],
    ['a text body', request('POST', 'cursor', 'text/plain'), 'unsupported_media_type'],
    ['a body over 16 KiB', request('POST', JSON.stringify({ pad: 'x'.repeat(17_000) })), 'payload_too_large'],
  ])('refuses %s', (_name, input, code) => {
    expect(() => readRewrapRequest(input)).toThrow(expect.objectContaining({ code }));
  });
});
