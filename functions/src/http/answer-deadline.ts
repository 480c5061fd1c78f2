import { AppError } from '../errors/app-error';
import type { HttpHandler, HttpReply } from './types';

/** Seconds a caller is asked to wait after a request answered at its deadline. */
export const DEADLINE_RETRY_AFTER_SECONDS = 5;

/**
 * How long before the function's timeout a request still at work is answered: a tenth of the
 * timeout, at least 1 s and at most 5 s (55 s of a 60 s timeout, 27 s of 30 s), enough to write the
 * answer and for Cloud Run to pass it on.
 */
export function answerDeadlineMs(timeoutSeconds: number): number {
  const marginSeconds = Math.min(5, Math.max(1, timeoutSeconds / 10));
  return Math.round((timeoutSeconds - marginSeconds) * 1000);
}

/**
 * A request still at work shortly before the function's timeout is answered
 * `503 deadline_exceeded` with Retry-After, through the adapter's one mapping (`fail`), instead of
 * Cloud Run's bare 504 at the timeout (which names no cause and no wait). The handler's work is
 * not killed (Cloud Run would not kill it either): its request's `signal` fires, so its retry
 * loops start no more attempts, and whatever it still answers is dropped.
 */
export function withAnswerDeadline(handler: HttpHandler, timeoutSeconds: number, fail: (error: unknown) => HttpReply): HttpHandler {
  const afterMs = answerDeadlineMs(timeoutSeconds);
  return (request) => {
    const stop = new AbortController();
    let timer: NodeJS.Timeout | undefined;
    const atDeadline = new Promise<HttpReply>((resolve) => {
      timer = setTimeout(() => {
        const error = new AppError('deadline_exceeded', 'The request could not be finished in time. Try again shortly.', {
          retryAfterSeconds: DEADLINE_RETRY_AFTER_SECONDS,
        });
        stop.abort(error);
        resolve(fail(error));
      }, afterMs);
    });
    const work = handler({ ...request, signal: stop.signal }).catch(fail);
    return Promise.race([work, atDeadline]).finally(() => clearTimeout(timer));
  };
}
