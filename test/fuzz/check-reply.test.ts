import { problemWithReply } from './check-reply';
import type { FuzzRequest } from './fuzz-request';
import type { FuzzReply } from './send-request';
import { FUZZ_TARGETS } from './fuzz-targets';

/** The fuzzer's judge must be able to fail: each broken answer below is caught. */
describe('problemWithReply', () => {
  const target = FUZZ_TARGETS.find((t) => t.name === 'exchangeAuthCode')!;
  const post: FuzzRequest = { method: 'POST', path: '/', headers: {}, body: Buffer.alloc(0) };
  const reply = (status: number, body: unknown, headers: Record<string, string> = { 'cache-control': 'no-store', 'content-type': 'application/json; charset=utf-8' }): FuzzReply => ({
    status,
    headers,
    body: Buffer.from(typeof body === 'string' ? body : JSON.stringify(body)),
  });
  const error = (code: string) => ({ error: { code, message: 'words' } });

  it('accepts documented answers', () => {
    expect(problemWithReply(target, post, reply(400, error('invalid_grant')))).toBeUndefined();
    expect(problemWithReply(target, post, reply(200, { userId: '1' }))).toBeUndefined();
    expect(problemWithReply(target, { ...post, method: 'HEAD' }, reply(405, ''))).toBeUndefined();
  });

  it.each([
    ['a 5xx', reply(503, error('upstream_unavailable')), /answered 503/],
    ['an undocumented status', reply(404, error('not_found')), /undocumented status 404/],
    ['a code not documented for the status', reply(400, error('insufficient_scope')), /not one documented/],
    ["the framework's HTML error page", reply(400, '<pre>Bad Request</pre>', { 'cache-control': 'no-store', 'content-type': 'text/html' }), /not JSON/],
    ['an error without no-store', reply(400, error('invalid_request'), { 'content-type': 'application/json' }), /no-store/],
    ['a body in another shape', reply(400, { message: 'bad' }), /product's shape/],
    ['extra top-level fields', reply(400, { ...error('invalid_request'), stack: 'at x.js:1' }), /extra top-level/],
    ['a success that is not JSON', reply(200, 'ok'), /not JSON/],
  ])('flags %s', (_name, broken, message) => {
    expect(problemWithReply(target, post, broken)).toMatch(message);
  });
});
