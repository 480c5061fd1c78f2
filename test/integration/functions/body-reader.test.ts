import { readFileSync } from 'node:fs';
import { request } from 'node:http';
import { gzipSync } from 'node:zlib';
import type { SandboxGoogle } from '../../../sandbox/src/server';
import { type FunctionUnderTest, startFunctionUnderTest } from '../../support/function-process';
import { startTestSandbox } from '../../support/sandbox';

/**
 * An HTTP function reads its own body, bounded, before functions-framework's parsers could (which
 * would inflate a compressed body and buffer up to 1024 MB): functions/src/http/body-reader.ts.
 * Checked on the exchange as deployed, from outside its process.
 */
describe('HTTP functions read their bodies themselves, bounded and never inflated', () => {
  const ORIGIN = 'https://app.example';
  let sandbox: SandboxGoogle;
  let fn: FunctionUnderTest;

  beforeAll(async () => {
    sandbox = await startTestSandbox();
    fn = await startFunctionUnderTest('exchangeAuthCode', sandbox, { ALLOWED_ORIGINS: ORIGIN });
  });
  afterAll(async () => {
    await fn?.stop();
    await sandbox?.close();
  });

  interface Answer {
    status: number;
    headers: Record<string, string | string[] | undefined>;
    body: string;
  }

  /**
   * One POST to the function, on a connection of its own; `body` as chunks is sent chunked, without
   * a Content-Length. (Node's global agent keeps connections alive for as long as the server does, 5 s:
   * a request reusing one just as the server closes it fails with "socket hang up".)
   */
  function post(url: string, headers: Record<string, string>, body: Buffer | Buffer[]): Promise<Answer> {
    return new Promise((resolve, reject) => {
      const req = request(url, { method: 'POST', headers, agent: false }, (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (chunk: Buffer) => chunks.push(chunk));
        res.on('end', () => resolve({ status: res.statusCode!, headers: res.headers, body: Buffer.concat(chunks).toString('utf8') }));
      });
      req.on('error', reject);
      if (Buffer.isBuffer(body)) req.end(body);
      else {
        for (const chunk of body) req.write(chunk);
        req.end();
      }
    });
  }

  const errorCode = (answer: Answer) => (JSON.parse(answer.body) as { error: { code: string } }).error.code;
  const peakRssMiB = (pid: number) => Number(/VmHWM:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))![1]) / 1024;
  const caller = { 'content-type': 'application/json', 'x-requested-with': 'com.example.app' };

  it('refuses a compressed body with 415 unsupported_media_type', async () => {
    const body = gzipSync(Buffer.from(JSON.stringify({ code: '4/0Acompressed' })));
    const answer = await post(fn.url, { ...caller, 'content-encoding': 'gzip' }, body);
    expect(answer.status).toBe(415);
    expect(errorCode(answer)).toBe('unsupported_media_type');
    expect(sandbox.admin.stats().tokenRequests).toBe(0);
  });

  it('never inflates one: 256 MiB of zeros sent as 256 KB of gzip costs the instance no memory', async () => {
    const bomb = gzipSync(Buffer.alloc(256 * 1024 * 1024));
    const before = peakRssMiB(fn.pid);
    const answer = await post(fn.url, { ...caller, 'content-encoding': 'gzip' }, bomb);
    expect(answer.status).toBe(413);
    expect(errorCode(answer)).toBe('payload_too_large');
    expect(peakRssMiB(fn.pid) - before).toBeLessThan(32);
  });

  it('keeps at most the limit of a chunked body with no Content-Length, answers 413, and serves the next request', async () => {
    const chunk = Buffer.alloc(64 * 1024, 'a');
    const before = peakRssMiB(fn.pid);
    const answer = await post(fn.url, caller, Array.from({ length: 256 }, () => chunk)); // 16 MiB
    expect(answer.status).toBe(413);
    expect(errorCode(answer)).toBe('payload_too_large');
    expect(peakRssMiB(fn.pid) - before).toBeLessThan(16);
    const next = await post(fn.url, { 'content-type': 'application/json' }, Buffer.from('{"code":"4/0Anext"}'));
    expect(next.status).toBe(403);
    expect(errorCode(next)).toBe('csrf_header_missing');
  });

  it("answers malformed JSON and an undecodable path in the product's shape, with CORS, from a new instance's very first request", async () => {
    const fresh = await startFunctionUnderTest('exchangeAuthCode', sandbox, { ALLOWED_ORIGINS: ORIGIN });
    try {
      const answer = await post(fresh.url, { ...caller, origin: ORIGIN }, Buffer.from('{not json'));
      expect(answer.status).toBe(400);
      expect(errorCode(answer)).toBe('invalid_request');
      expect(answer.headers['access-control-allow-origin']).toBe(ORIGIN);
      const elsewhere = await post(fresh.url, { ...caller, origin: 'https://evil.example' }, Buffer.from('{not json'));
      expect(elsewhere.status).toBe(403);
      expect(errorCode(elsewhere)).toBe('origin_not_allowed');
      const undecodable = await post(`${fresh.url}p/%`, caller, Buffer.from('{}'));
      expect(undecodable.status).toBe(400);
      expect(errorCode(undecodable)).toBe('invalid_request');
      expect(undecodable.headers['cache-control']).toBe('no-store');
    } finally {
      await fresh.stop();
    }
  });
});
