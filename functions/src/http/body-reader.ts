import type { IncomingMessage, ServerResponse } from 'node:http';
import { createRequire } from 'node:module';

/** The most any of our HTTP functions accepts (api.md: a larger body is `413 payload_too_large`). */
export const MAX_BODY_BYTES = 16 * 1024;

/**
 * functions-framework (5.x, `server.js`) hands every request to body-parser before the function
 * runs, with a limit of 1024 MB, inflating the body first when it says `Content-Encoding: gzip`,
 * `deflate` or `br`: a 300 KB gzip body grew an instance by about 600 MB before any of our checks
 * ran, and a few plain bodies at Cloud Run's 32 MiB request limit do the same to a 256 MiB
 * instance. Our HTTP functions parse the raw bytes themselves and never need more than
 * MAX_BODY_BYTES (request-guards.ts), so that parsing is only a risk. And what fails in Express
 * itself (a path that does not decode) went to Express's own final handler, an HTML page.
 *
 * `installBodyReader` (by toHttpFunction, when the served function's entry loads, which is before
 * the framework builds its Express app) wraps Express's `app.handle`:
 * - a request with a body is read here first, as it arrives, never inflated, keeping at most
 *   `maxBytes + 1` bytes (the rest is read and dropped, so the client still gets its answer); that
 *   is `req.rawBody`, and the framework's parsers leave the request alone (body-parser skips a
 *   request whose body has been read). Each handler refuses a body that is too long or encoded at
 *   its own place in its checks (`requireBodyWithin`), with the documented answer and CORS;
 * - an error Express ends with, or a request nothing answered, goes to `answerError`.
 * One install per process, whichever copy of this module (each entry is bundled with its own).
 */
export interface BodyReaderOptions {
  maxBytes?: number;
  /** Answers what Express could not: `error` undefined when no middleware answered at all. */
  answerError: (error: unknown, req: IncomingMessage, res: ServerResponse) => void;
}

const INSTALLED: unique symbol = Symbol.for('offline-access.body-reader') as never;

type Handle = (this: unknown, req: IncomingMessage, res: ServerResponse, callback?: (error?: unknown) => void) => void;
type ExpressApplication = { handle: Handle; [INSTALLED]?: true };

export function installBodyReader(options: BodyReaderOptions): void {
  // The Express the framework builds its app with, not whichever one a bare require would find.
  const express = createRequire(require.resolve('@google-cloud/functions-framework'))('express') as { application: ExpressApplication };
  const application = express.application;
  if (application[INSTALLED]) return;
  application[INSTALLED] = true;
  const keep = (options.maxBytes ?? MAX_BODY_BYTES) + 1;
  const handle = application.handle;
  application.handle = function readBodyFirst(req, res, callback) {
    // Before its body: a slow upload counts against the request's deadline (answer-deadline.ts).
    (req as IncomingMessage & { receivedAt?: number }).receivedAt = performance.now();
    const done = callback ?? ((error?: unknown) => options.answerError(error, req, res));
    if (!hasBody(req)) return handle.call(this, req, res, done);
    readAtMost(req, keep).then(
      (body) => {
        (req as IncomingMessage & { rawBody?: Buffer }).rawBody = body;
        handle.call(this, req, res, done);
      },
      // The client went away before its body ended: there is nobody to answer.
      () => req.destroy(),
    );
  };
}

/** As body-parser decides it (type-is `hasBody`): a body is announced by either header. */
function hasBody(req: IncomingMessage): boolean {
  return req.headers['transfer-encoding'] !== undefined || (req.headers['content-length'] !== undefined && req.headers['content-length'] !== '0');
}

/** The body's first `keep` bytes; the rest is read and dropped. Rejects if the request ends before its body does. */
function readAtMost(req: IncomingMessage, keep: number): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let kept = 0;
    req.on('data', (chunk: Buffer) => {
      if (kept >= keep) return;
      const part = chunk.length > keep - kept ? chunk.subarray(0, keep - kept) : chunk;
      chunks.push(part);
      kept += part.length;
    });
    req.once('end', () => resolve(Buffer.concat(chunks, kept)));
    req.once('error', reject);
    req.once('close', () => {
      if (!req.complete) reject(new Error('the request ended before its body'));
    });
  });
}
