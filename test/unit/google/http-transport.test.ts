import { once } from 'node:events';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { Readable } from 'node:stream';
import zlib from 'node:zlib';
import { Gaxios, GaxiosError } from 'gaxios';
import { googleFetch } from '../../../functions/src/google/http-transport';
import { readHttpFailure } from '../../../functions/src/google/http-failure';

interface Seen {
  method: string;
  url: string;
  headers: http.IncomingHttpHeaders;
  body: string;
}

type Route = (req: http.IncomingMessage, res: http.ServerResponse, body: string) => void;

/** A loopback server whose routes the tests set, recording every request it gets. */
async function startServer(routes: Record<string, Route>): Promise<{ url: string; seen: Seen[]; close: () => Promise<void> }> {
  const seen: Seen[] = [];
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const body = Buffer.concat(chunks).toString('utf8');
      seen.push({ method: req.method!, url: req.url!, headers: req.headers, body });
      const route = routes[new URL(req.url!, 'http://x').pathname];
      if (route) route(req, res, body);
      else res.writeHead(404).end();
    });
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    seen,
    close: () =>
      new Promise((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** The address of a server that has just closed: connecting to it is refused. */
async function refusedUrl(): Promise<string> {
  const closed = await startServer({});
  await closed.close();
  return closed.url;
}

const json = (status: number, value: unknown, headers: http.OutgoingHttpHeaders = {}): Route => (_req, res) => {
  res.writeHead(status, { 'content-type': 'application/json', ...headers }).end(JSON.stringify(value));
};

describe('googleFetch', () => {
  let server: Awaited<ReturnType<typeof startServer>>;
  let other: Awaited<ReturnType<typeof startServer>>;

  beforeAll(async () => {
    other = await startServer({ '/landing': json(200, { landed: true }) });
    server = await startServer({
      '/json': json(200, { ok: true }, { 'x-multi': 'a' }),
      '/echo': (req, res, body) => json(200, { method: req.method, type: req.headers['content-type'] ?? null, length: req.headers['content-length'] ?? null, body })(req, res, body),
      '/gzip': (_req, res) => res.writeHead(200, { 'content-type': 'application/json', 'content-encoding': 'gzip' }).end(zlib.gzipSync('{"coded":"gzip"}')),
      '/deflate': (_req, res) => res.writeHead(200, { 'content-encoding': 'deflate' }).end(zlib.deflateSync('deflated')),
      '/corrupt-gzip': (_req, res) => res.writeHead(200, { 'content-encoding': 'gzip' }).end(Buffer.from('not gzip at all')),
      '/br': (_req, res) => res.writeHead(200, { 'content-encoding': 'br' }).end(zlib.brotliCompressSync('brotli')),
      '/empty': (_req, res) => res.writeHead(204).end(),
      '/bom': (_req, res) => res.writeHead(200, { 'content-type': 'application/json' }).end(Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from('{"marked":true}')])),
      '/see-other': (_req, res) => res.writeHead(303, { location: '/echo' }).end(),
      '/temporary': (_req, res) => res.writeHead(307, { location: '/echo' }).end(),
      '/elsewhere': (_req, res) => res.writeHead(302, { location: `${other.url}/landing` }).end(),
      '/loop': (_req, res) => res.writeHead(302, { location: '/loop' }).end(),
      '/slow': (_req, res) => setTimeout(() => res.writeHead(200).end('late'), 2_000),
      '/big': (_req, res) => {
        res.writeHead(200, { 'content-type': 'application/octet-stream' });
        res.end(Buffer.alloc(1_000_000, 7));
      },
      '/limited': json(429, { error: { code: 429, errors: [{ reason: 'rateLimitExceeded' }] } }, { 'retry-after': '7' }),
    });
  });

  afterAll(async () => {
    await server.close();
    await other.close();
  });

  it('answers a Response like fetch: status, headers, JSON body', async () => {
    const response = await googleFetch(`${server.url}/json`);
    expect(response.status).toBe(200);
    expect(response.headers.get('x-multi')).toBe('a');
    expect(await response.json()).toEqual({ ok: true });
    const seen = server.seen.at(-1)!;
    expect(seen.headers['accept']).toBe('*/*');
    expect(seen.headers['accept-encoding']).toBe('gzip, deflate, br');
  });

  it('reads a body once, as fetch does, and gives it as a stream, bytes, a blob or a clone', async () => {
    const first = await googleFetch(`${server.url}/json`);
    expect(first.ok).toBe(true);
    expect(first.bodyUsed).toBe(false);
    const copy = first.clone();
    expect(await first.text()).toBe('{"ok":true}');
    expect(first.bodyUsed).toBe(true);
    await expect(first.text()).rejects.toThrow(TypeError);
    expect(() => first.clone()).toThrow(TypeError);
    expect(Buffer.from(await copy.arrayBuffer()).toString()).toBe('{"ok":true}');
    const streamed = await googleFetch(`${server.url}/json`);
    const chunks: Uint8Array[] = [];
    for await (const chunk of streamed.body!) chunks.push(chunk);
    expect(Buffer.concat(chunks).toString()).toBe('{"ok":true}');
    const blob = await (await googleFetch(`${server.url}/json`)).blob();
    expect(blob.type).toBe('application/json');
    expect(await blob.text()).toBe('{"ok":true}');
    expect(new TextDecoder().decode(await (await googleFetch(`${server.url}/json`)).bytes())).toBe('{"ok":true}');
    expect(await (await googleFetch(`${server.url}/bom`)).json()).toEqual({ marked: true });
  });

  it.each([
    ['a string, as text/plain with its length', 'hello', 'text/plain;charset=UTF-8', '5'],
    ['a form, as application/x-www-form-urlencoded', new URLSearchParams({ grant_type: 'refresh_token', a: 'b c' }), 'application/x-www-form-urlencoded;charset=UTF-8', String('grant_type=refresh_token&a=b+c'.length)],
    ['a buffer, with its length and no type', Buffer.from('bytes!'), null, '6'],
    ['a Node stream, chunked', Readable.from([Buffer.from('str'), Buffer.from('eam')]), null, null],
  ])('sends %s', async (_label, body, type, length) => {
    const response = await googleFetch(`${server.url}/echo`, { method: 'POST', body: body as RequestInit['body'], duplex: 'half' } as RequestInit);
    const echoed = (await response.json()) as { method: string; type: string | null; length: string | null; body: string };
    expect(echoed).toMatchObject({ method: 'POST', type, length });
    expect(echoed.body).toBe(body instanceof Readable ? 'stream' : String(body));
  });

  it.each([
    ['gzip', '/gzip', '{"coded":"gzip"}'],
    ['deflate', '/deflate', 'deflated'],
    ['br', '/br', 'brotli'],
  ])('decodes a %s body and keeps the Content-Encoding header', async (coding, path, text) => {
    const response = await googleFetch(`${server.url}${path}`);
    expect(await response.text()).toBe(text);
    expect(response.headers.get('content-encoding')).toBe(coding);
  });

  it('rejects a body it cannot decode as "fetch failed", with the decoder\'s error as cause', async () => {
    const failure = (await googleFetch(`${server.url}/corrupt-gzip`).catch((e: unknown) => e)) as TypeError & { cause: { code?: string } };
    expect(failure).toBeInstanceOf(TypeError);
    expect(failure.message).toBe('fetch failed');
    expect(failure.cause.code).toBe('Z_DATA_ERROR');
  });

  it('gives a 204 a null body', async () => {
    const response = await googleFetch(`${server.url}/empty`, { method: 'DELETE' });
    expect(response.status).toBe(204);
    expect(response.body).toBeNull();
  });

  it('follows a 303 after a POST as a GET without the body', async () => {
    const response = await googleFetch(`${server.url}/see-other`, { method: 'POST', body: 'x=1', headers: { 'content-type': 'text/plain' } });
    expect(await response.json()).toMatchObject({ method: 'GET', type: null, body: '' });
  });

  it('follows a 307 keeping the method and body', async () => {
    const response = await googleFetch(`${server.url}/temporary`, { method: 'PUT', body: 'kept' });
    expect(await response.json()).toMatchObject({ method: 'PUT', body: 'kept' });
  });

  it('does not send Authorization to another origin after a redirect', async () => {
    const response = await googleFetch(`${server.url}/elsewhere`, { headers: { authorization: 'Bearer secret-token' } });
    expect(await response.json()).toEqual({ landed: true });
    expect(server.seen.at(-1)!.headers.authorization).toBe('Bearer secret-token');
    expect(other.seen.at(-1)!.headers.authorization).toBeUndefined();
  });

  it('gives up after 20 redirects with fetch\'s "fetch failed"', async () => {
    const before = server.seen.length;
    await expect(googleFetch(`${server.url}/loop`)).rejects.toMatchObject({ name: 'TypeError', message: 'fetch failed' });
    expect(server.seen.length - before).toBe(21);
  });

  it("rejects with the signal's reason when it aborts (gaxios's timeout)", async () => {
    const started = Date.now();
    const failure = await googleFetch(`${server.url}/slow`, { signal: AbortSignal.timeout(100) }).catch((e: unknown) => e);
    expect((failure as DOMException).name).toBe('TimeoutError');
    expect(Date.now() - started).toBeLessThan(1_500);
  });

  it('rejects a refused connection as fetch does: TypeError "fetch failed" with the socket error as cause', async () => {
    const url = await refusedUrl();
    const failure = (await googleFetch(`${url}/json`).catch((e: unknown) => e)) as TypeError & { cause: { code?: string } };
    expect(failure).toBeInstanceOf(TypeError);
    expect(failure.message).toBe('fetch failed');
    expect(failure.cause.code).toBe('ECONNREFUSED');
  });

  it('stops reading one byte past gaxios\'s size limit', async () => {
    const response = await googleFetch(`${server.url}/big`, { size: 1_000 } as RequestInit);
    expect((await response.arrayBuffer()).byteLength).toBe(1_001);
    const whole = await googleFetch(`${server.url}/big`);
    expect((await whole.arrayBuffer()).byteLength).toBe(1_000_000);
  });

  it('under gaxios, a 429 becomes the same GaxiosError as with fetch: status, reason and Retry-After readable', async () => {
    const failures = await Promise.all(
      [googleFetch, fetch].map((impl) =>
        new Gaxios({ fetchImplementation: impl, retry: false }).request({ url: `${server.url}/limited`, responseType: 'json' }).catch((e: unknown) => e),
      ),
    );
    for (const failure of failures) {
      expect(failure).toBeInstanceOf(GaxiosError);
      expect(readHttpFailure(failure)).toEqual({ status: 429, reason: 'rateLimitExceeded', retryAfterMs: 7_000, network: false, neverSent: false });
    }
  });

  it('under gaxios, a refused connection reads as a network failure, as with fetch', async () => {
    const url = await refusedUrl();
    const failures = await Promise.all(
      [googleFetch, fetch].map((impl) => new Gaxios({ fetchImplementation: impl, retry: false }).request({ url: `${url}/x` }).catch((e: unknown) => e)),
    );
    for (const failure of failures) expect(readHttpFailure(failure)).toEqual({ status: undefined, reason: undefined, retryAfterMs: undefined, network: true, neverSent: true });
  });
});
