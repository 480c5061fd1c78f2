import { setMaxListeners } from 'node:events';
import { AppError } from '../errors/app-error';
import { withLogContext } from '../logging/log-context';
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
 * Cloud Run's bare 504 at the timeout (which names no cause and no wait). The deadline counts from
 * the request's arrival (`receivedAt`), its body's upload included. The handler's work is not
 * killed (Cloud Run would not kill it either): its request's `signal` fires, so the retry loops
 * given it start no more retries, and whatever it still answers is dropped; a failure it still
 * meets is logged as ever, marked `afterDeadline: true` (its cause, for the operator).
 */
export function withAnswerDeadline(handler: HttpHandler, timeoutSeconds: number, fail: (error: unknown) => HttpReply): HttpHandler {
  const deadlineMs = answerDeadlineMs(timeoutSeconds);
  return (request) => {
    const stop = new AbortController();
    // A listener per retry waiting out its backoff, each removed when it ends.
    setMaxListeners(0, stop.signal);
    const afterMs = Math.max(0, deadlineMs - (performance.now() - (request.receivedAt ?? performance.now())));
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
    const work = handler({ ...request, signal: stop.signal }).catch((error: unknown) =>
      stop.signal.aborted ? withLogContext({ afterDeadline: true }, () => fail(error)) : fail(error),
    );
    return Promise.race([work, atDeadline]).finally(() => clearTimeout(timer));
  };
}
