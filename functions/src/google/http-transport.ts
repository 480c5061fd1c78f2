import http from 'node:http';
import https from 'node:https';
import { Readable } from 'node:stream';
import { promisify } from 'node:util';
import zlib from 'node:zlib';

/**
 * The transport of every call to Google made through gaxios (google-auth-library's token, certs
 * and revoke calls; the Drive and Photos clients): gaxios's `fetchImplementation`, answering the
 * `fetch` calls gaxios makes over Node's `http` / `https` with keep-alive agents, and a `Response`
 * over the whole body (BufferedResponse).
 *
 * Why not Node's own `fetch`: undici's fetch builds a WHATWG Request, Headers lists, a fetch
 * controller and web streams for every call, about 0.1-0.3 ms of CPU per call more than this
 * (measured against the sandbox, bench/README.md, issue 13), and the worker makes six calls for
 * every user it works on. Everything above the transport (gaxios's retries and timeouts,
 * google-auth-library, googleapis-common's request building, our failure classification) is
 * unchanged, so this is what it keeps of fetch's behaviour, for what gaxios sends:
 *
 * - bodies: strings, buffers and typed arrays, `URLSearchParams` and Node or web streams (gaxios's
 *   multipart uploads), with fetch's default content types; a FormData or Blob body goes to Node's
 *   fetch unchanged;
 * - redirects followed (at most 20): 303, and 301/302 after a POST, become a GET without a body,
 *   and `Authorization` is not sent to another origin;
 * - `gzip`, `deflate` and `br` bodies decoded (the `Content-Encoding` header is kept), and
 *   `Accept-Encoding` asked for unless the caller set it;
 * - an aborted signal (gaxios's per-attempt timeout) rejects with the signal's reason; a failure
 *   with no answer rejects with `TypeError('fetch failed')` and the socket error as its cause;
 * - gaxios's `size` (from `maxContentLength`): reading stops one byte past it, so an over-long
 *   download is refused (too_large) without being held whole in memory.
 */
export const googleFetch: typeof fetch = (input, init) => {
  if (typeof input !== 'string' && !(input instanceof URL)) return fetch(input, init);
  const body = init?.body;
  if (body !== undefined && body !== null && !isSupportedBody(body)) return fetch(input, init);
  return send(new URL(input), init ?? {}, 0);
};

type TransportInit = RequestInit & {
  /** node-fetch's (and gaxios's) name for a response size limit. */
  size?: number;
};

const MAX_REDIRECTS = 20;
const NULL_BODY_STATUSES = new Set([101, 204, 205, 304]);
const REDIRECT_STATUSES = new Set([301, 302, 303, 307, 308]);

// Idle sockets are dropped after 4 s, before a server's usual 5 s keep-alive (Node's own default)
// would close them under a request that has just been written.
const agents = {
  'http:': new http.Agent({ keepAlive: true, timeout: 4_000 }),
  'https:': new https.Agent({ keepAlive: true, timeout: 4_000 }),
};

type Body = string | Buffer | Uint8Array | Readable | undefined;

function isSupportedBody(body: unknown): boolean {
  return (
    typeof body === 'string' ||
    body instanceof URLSearchParams ||
    body instanceof ArrayBuffer ||
    ArrayBuffer.isView(body) ||
    body instanceof Readable ||
    body instanceof ReadableStream
  );
}

async function send(url: URL, init: TransportInit, redirects: number): Promise<Response> {
  const signal = init.signal ?? undefined;
  signal?.throwIfAborted();
  const method = (init.method ?? 'GET').toUpperCase();
  const headers = new Headers(init.headers);
  const body = requestBody(init.body, headers);
  if (!headers.has('accept')) headers.set('accept', '*/*');
  if (!headers.has('accept-encoding')) headers.set('accept-encoding', 'gzip, deflate, br');
  const answer = await exchange(url, method, headers, body, signal, init.size, redirects > 0);
  const location = answer.headers.get('location');
  if (!REDIRECT_STATUSES.has(answer.status) || location === null || init.redirect === 'manual') return answer as unknown as Response;
  if (init.redirect === 'error' || redirects >= MAX_REDIRECTS) throw new TypeError('fetch failed', { cause: new Error('redirect refused or too many redirects') });
  const next = new URL(location, url);
  const rewrite = answer.status === 303 || ((answer.status === 301 || answer.status === 302) && method === 'POST');
  if (!rewrite && body instanceof Readable) throw new TypeError('fetch failed', { cause: new Error('cannot follow a redirect with a streamed body') });
  const nextHeaders = new Headers(headers);
  if (next.origin !== url.origin) nextHeaders.delete('authorization');
  if (rewrite) for (const name of ['content-type', 'content-length', 'content-encoding', 'content-language', 'content-location']) nextHeaders.delete(name);
  const nextInit: TransportInit = { ...init, headers: nextHeaders, ...(rewrite ? { method: method === 'HEAD' ? 'HEAD' : 'GET', body: null } : {}) };
  return send(next, nextInit, redirects + 1);
}

/** The body as Node's http takes it, with fetch's default content type for text and forms. */
function requestBody(body: RequestInit['body'] | undefined, headers: Headers): Body {
  if (body === undefined || body === null) return undefined;
  if (typeof body === 'string') {
    if (!headers.has('content-type')) headers.set('content-type', 'text/plain;charset=UTF-8');
    return body;
  }
  if (body instanceof URLSearchParams) {
    if (!headers.has('content-type')) headers.set('content-type', 'application/x-www-form-urlencoded;charset=UTF-8');
    return body.toString();
  }
  if (body instanceof ArrayBuffer) return Buffer.from(body);
  if (ArrayBuffer.isView(body)) return Buffer.from(body.buffer, body.byteOffset, body.byteLength);
  if (body instanceof ReadableStream) return Readable.fromWeb(body as import('node:stream/web').ReadableStream);
  return body as unknown as Readable;
}

/**
 * A `Response` whose body is already in memory: what fetch's Response offers (status, `ok`,
 * headers, `text`, `json`, `arrayBuffer`, `bytes`, `blob`, `body`, `bodyUsed`, `clone`), without
 * undici's constructor, which copies the bytes and builds a web stream for every answer (about
 * 0.1 ms of CPU per call). `body` makes that stream only when something asks for it.
 */
class BufferedResponse {
  readonly type = 'basic';
  readonly ok: boolean;
  #bytes: Buffer | null;
  #used = false;
  #stream: ReadableStream<Uint8Array> | null | undefined;

  constructor(
    bytes: Buffer | null,
    readonly status: number,
    readonly statusText: string,
    readonly headers: Headers,
    readonly url: string,
    readonly redirected: boolean,
  ) {
    this.#bytes = bytes;
    this.ok = status >= 200 && status <= 299;
  }

  get bodyUsed(): boolean {
    return this.#used;
  }

  get body(): ReadableStream<Uint8Array> | null {
    if (this.#stream === undefined) this.#stream = this.#bytes === null ? null : new Response(this.#take()).body;
    return this.#stream;
  }

  async arrayBuffer(): Promise<ArrayBuffer> {
    const bytes = this.#take();
    // A large body owns its whole ArrayBuffer (Buffer.concat, zlib): handed over without a copy, so
    // a 25 MB download is not held twice. A small one may sit in Node's shared pool: copied out.
    const whole = bytes.byteOffset === 0 && bytes.byteLength === bytes.buffer.byteLength;
    return (whole ? bytes.buffer : bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength)) as ArrayBuffer;
  }

  async bytes(): Promise<Uint8Array> {
    return new Uint8Array(await this.arrayBuffer());
  }

  async text(): Promise<string> {
    const bytes = this.#take();
    // UTF-8 decoding as fetch does it: a byte order mark is dropped.
    const bom = bytes.length >= 3 && bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf;
    return bytes.toString('utf8', bom ? 3 : 0);
  }

  async json(): Promise<unknown> {
    return JSON.parse(await this.text()) as unknown;
  }

  async blob(): Promise<Blob> {
    return new Blob([await this.arrayBuffer()], { type: this.headers.get('content-type') ?? '' });
  }

  clone(): BufferedResponse {
    if (this.#used) throw new TypeError('Response.clone: the body has already been used');
    return new BufferedResponse(this.#bytes, this.status, this.statusText, this.headers, this.url, this.redirected);
  }

  /** The bytes, once: a second read fails as fetch's does. */
  #take(): Buffer {
    if (this.#used) throw new TypeError('Body is unusable: Body has already been read');
    this.#used = true;
    return this.#bytes ?? Buffer.alloc(0);
  }
}

function exchange(
  url: URL,
  method: string,
  headers: Headers,
  body: Body,
  signal: AbortSignal | undefined,
  size: number | undefined,
  redirected: boolean,
): Promise<BufferedResponse> {
  return new Promise<BufferedResponse>((resolve, reject) => {
    const outgoing: Record<string, string> = {};
    headers.forEach((value, name) => {
      outgoing[name] = value;
    });
    if (typeof body === 'string' || body instanceof Uint8Array) outgoing['content-length'] = String(Buffer.byteLength(body));
    const transport = url.protocol === 'https:' ? https : http;
    const agent = url.protocol === 'https:' ? agents['https:'] : agents['http:'];
    let settled = false;
    const fail = (error: unknown): void => {
      if (settled) return;
      settled = true;
      signal?.removeEventListener('abort', onAbort);
      reject(error);
    };
    // As fetch rejects: with the signal's reason once it has aborted, else "fetch failed" and the cause.
    const failWith = (cause: unknown): void => fail(signal?.aborted ? signal.reason : new TypeError('fetch failed', { cause }));
    const onAbort = (): void => {
      request.destroy();
      fail(signal?.reason);
    };
    const request = transport.request(url, { method, headers: outgoing, agent }, (incoming) => {
      // A body that cannot be read or decoded (a corrupt gzip stream) fails the call like a reset one.
      readBody(incoming, size)
        .then(async (raw) => {
          const status = incoming.statusCode ?? 0;
          const responseHeaders = new Headers();
          for (let i = 0; i + 1 < incoming.rawHeaders.length; i += 2) responseHeaders.append(incoming.rawHeaders[i]!, incoming.rawHeaders[i + 1]!);
          const nullBody = NULL_BODY_STATUSES.has(status) || method === 'HEAD';
          const decoded = nullBody ? null : await decode(raw, responseHeaders.get('content-encoding'));
          if (settled) return;
          settled = true;
          signal?.removeEventListener('abort', onAbort);
          resolve(new BufferedResponse(decoded, status, incoming.statusMessage ?? '', responseHeaders, url.href, redirected));
        })
        .catch(failWith);
    });
    request.on('error', failWith);
    signal?.addEventListener('abort', onAbort, { once: true });
    if (body instanceof Readable) {
      body.on('error', (error) => {
        request.destroy();
        failWith(error);
      });
      body.pipe(request);
    } else {
      request.end(body);
    }
  });
}

/** The whole body; past `size` bytes, only the first `size + 1` (enough for the caller to refuse it). */
function readBody(incoming: http.IncomingMessage, size: number | undefined): Promise<Buffer> {
  const limit = size !== undefined && size > 0 ? size : Infinity;
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let length = 0;
    incoming.on('data', (chunk: Buffer) => {
      if (length > limit) return;
      chunks.push(chunk);
      length += chunk.length;
      if (length > limit) {
        resolve(Buffer.concat(chunks).subarray(0, limit + 1));
        incoming.destroy();
      }
    });
    incoming.on('end', () => resolve(Buffer.concat(chunks, length)));
    incoming.on('error', reject);
    incoming.on('close', () => {
      if (!incoming.complete && length <= limit) reject(new Error('the answer was cut off'));
    });
  });
}

const gunzip = promisify(zlib.gunzip);
const inflate = promisify(zlib.inflate);
const inflateRaw = promisify(zlib.inflateRaw);
const brotli = promisify(zlib.brotliDecompress);

/** Undoes each content coding, last applied first, as fetch does. */
async function decode(raw: Buffer, encoding: string | null): Promise<Buffer> {
  if (encoding === null || raw.length === 0) return raw;
  let data = raw;
  for (const coding of encoding.split(',').map((c) => c.trim().toLowerCase()).reverse()) {
    if (coding === 'gzip' || coding === 'x-gzip') data = await gunzip(data, { finishFlush: zlib.constants.Z_SYNC_FLUSH });
    else if (coding === 'deflate') data = (data[0]! & 0x0f) === 8 ? await inflate(data) : await inflateRaw(data);
    else if (coding === 'br') data = await brotli(data);
    else if (coding !== 'identity' && coding !== '') return raw;
  }
  return data;
}
