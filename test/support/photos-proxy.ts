import { createServer, request as httpRequest, type IncomingMessage, type Server } from 'node:http';

/**
 * What to do with the first request `matches` picks out:
 * - `hold`: never forwarded, never answered (a request lost before it reached Google);
 * - `swallow`: forwarded, Google's answer thrown away (lost after Google acted on it);
 * - `gate`: held until `release()`, then forwarded and answered (to act while a run waits on it).
 */
export type InterceptMode = 'hold' | 'swallow' | 'gate';

export interface PhotosProxy {
  /** The root URL to configure instead of the sandbox's (PHOTOS_PICKER_ROOT_URL, PHOTOS_LIBRARY_ROOT_URL). */
  url: string;
  /** Resolves when the first matching request arrived (`swallow`: once Google answered it). */
  intercepted: Promise<void>;
  release(): void;
  close(): Promise<void>;
}

/**
 * A loopback proxy in front of one of the sandbox's Photos roots that forwards everything, except
 * the first request `matches` picks out, which it treats as `mode` says. Configuration only: the
 * product under test is given the proxy's URL as its root.
 */
export async function startPhotosProxy(target: string, mode: InterceptMode, matches: (request: IncomingMessage) => boolean): Promise<PhotosProxy> {
  let arrived!: () => void;
  const intercepted = new Promise<void>((resolve) => (arrived = resolve));
  let release!: () => void;
  const released = new Promise<void>((resolve) => (release = resolve));
  let used = false;
  const targetUrl = new URL(target);
  const forward = (incoming: IncomingMessage, body: Buffer, onAnswer: (status: number, headers: IncomingMessage['headers'], bytes: Buffer) => void): void => {
    const upstream = new URL(`${targetUrl.origin}${incoming.url!.replace(/^\/proxied/, targetUrl.pathname)}`);
    const out = httpRequest(upstream, { method: incoming.method, headers: { ...incoming.headers, host: upstream.host } }, (answer) => {
      const chunks: Buffer[] = [];
      answer.on('data', (chunk: Buffer) => chunks.push(chunk));
      answer.on('end', () => onAnswer(answer.statusCode ?? 502, answer.headers, Buffer.concat(chunks)));
    });
    out.on('error', () => onAnswer(502, {}, Buffer.alloc(0)));
    out.end(body);
  };
  const server: Server = createServer((incoming, response) => {
    const chunks: Buffer[] = [];
    incoming.on('data', (chunk: Buffer) => chunks.push(chunk));
    incoming.on('end', () => {
      const body = Buffer.concat(chunks);
      const answer = (status: number, headers: IncomingMessage['headers'], bytes: Buffer) => {
        const passed = Object.fromEntries(['content-type', 'retry-after'].flatMap((name) => (headers[name] ? [[name, headers[name]]] : [])));
        response.writeHead(status, passed);
        response.end(bytes);
      };
      if (used || !matches(incoming)) return forward(incoming, body, answer);
      used = true;
      if (mode === 'hold') return arrived();
      if (mode === 'swallow') return forward(incoming, body, () => arrived());
      arrived();
      void released.then(() => forward(incoming, body, answer));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  if (address === null || typeof address === 'string') throw new Error('no address');
  return {
    url: `http://127.0.0.1:${address.port}/proxied`,
    intercepted,
    release,
    close: () => {
      release();
      server.closeAllConnections();
      return new Promise((resolve) => server.close(() => resolve()));
    },
  };
}
