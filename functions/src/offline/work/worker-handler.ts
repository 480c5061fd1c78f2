import { setMaxListeners } from 'node:events';
import type { CloudEvent } from '@google-cloud/functions-framework';
import { createLanes } from '../../concurrency/lanes';
import { withLogContext } from '../../logging/log-context';
import type { Logger } from '../../logging/logger';
import { traceFields } from '../../logging/trace-context';
import { decodeWorkMessage } from '../work-message';
import { runBatch } from './run-batch';
import { emptyWorkerSummary, workerSummary } from './worker-summary';
import type { RunUserDeps } from './run-user';

interface MessagePublishedData {
  message?: { data?: string; messageId?: string };
}

/**
 * Seconds kept back from the function timeout to record results and release leases: a minute, or
 * a quarter of a shorter timeout (a fixed minute would leave a 60-second timeout no time to work).
 */
export function finishingMarginSeconds(timeoutSeconds: number): number {
  return Math.min(60, Math.ceil(timeoutSeconds / 4));
}

/**
 * The invocation's hard stop, half the finishing margin before the timeout: runs stop starting work at
 * the deadline, but a Google call already in flight (a slow download or upload, a call the retries
 * repeat) can outlast it; the stop aborts those calls, and a retry waiting out its backoff fails at
 * once when it wakes, so that every lease is still recorded and released in time.
 */
function hardStop(timeoutSeconds: number): { signal: AbortSignal; clear: () => void } {
  const controller = new AbortController();
  // Every lane's calls listen to it (a listener per call in flight or retry waiting), each removing its own.
  setMaxListeners(0, controller.signal);
  const afterMs = (timeoutSeconds - finishingMarginSeconds(timeoutSeconds) / 2) * 1000;
  const timer = setTimeout(() => {
    const reason = new Error(`The invocation's hard stop, ${afterMs} ms in`);
    reason.name = 'HardStop';
    controller.abort(reason);
  }, afterMs);
  timer.unref();
  return { signal: controller.signal, clear: () => clearTimeout(timer) };
}

/**
 * `runOfflineWork`: a Pub/Sub CloudEvent (from Eventarc, or the emulator's push converted by
 * functions-framework). A malformed message is logged and acknowledged: redelivering it could
 * never succeed. Everything else is handled per user inside the batch. Every line carries the
 * Pub/Sub message id (within a user's run the user id too, and with a traceparent the trace);
 * the invocation ends with one summary line (worker-summary.ts).
 */
export function createWorkerHandler(deps: Omit<RunUserDeps, 'owner'>, logger: Logger, options: { traceProject?: string | undefined } = {}) {
  // One set of lanes per instance: messages handled at the same time share WORKER_CONCURRENCY.
  const lanes = createLanes(deps.config.concurrency);
  return async (event: CloudEvent<MessagePublishedData>): Promise<void> => {
    const messageId = event.data?.message?.messageId ?? event.id;
    // Eventarc passes the delivery's trace as the CloudEvent's traceparent extension attribute.
    const traceparent = typeof event.traceparent === 'string' ? event.traceparent : undefined;
    await withLogContext({ ...traceFields({ traceparent }, options.traceProject), messageId }, async () => {
      const started = deps.now().getTime();
      const data = event.data?.message?.data;
      const message = typeof data === 'string' ? decodeWorkMessage(Buffer.from(data, 'base64')) : undefined;
      if (!message) {
        logger.warn('Dropped a malformed work message', { eventId: event.id });
        logger.info('Offline work batch finished', { eventId: event.id, ...emptyWorkerSummary(deps.now().getTime() - started), malformed: true });
        return;
      }
      const deadline = started + (deps.config.timeoutSeconds - finishingMarginSeconds(deps.config.timeoutSeconds)) * 1000;
      const owner = `${event.id}:${started}`;
      const stop = hardStop(deps.config.timeoutSeconds);
      const result = await runBatch(message, deadline, { ...deps, owner, stop: stop.signal }, lanes).finally(stop.clear);
      logger.info('Offline work batch finished', { eventId: event.id, ...workerSummary(result.outcomes, deps.now().getTime() - started) });
    });
  };
}
