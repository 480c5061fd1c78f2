import { z } from 'zod';
import { AppError } from '../../errors/app-error';
import { parseFormOrJson } from '../../http/parse-form-or-json';
import { requireBodyWithin, requireMethod } from '../../http/request-guards';
import type { HttpHandler } from '../../http/types';
import type { Logger } from '../../logging/logger';
import type { MessagePublisher } from '../message-publisher';
import { USER_EVENT_TYPES, type UserCloudEvent } from '../user-event';
import { type DeliveryOutcome, postWebhook, type PostWebhookDeps } from './post-webhook';

export interface DeliveryHandlerDeps extends PostWebhookDeps {
  /** USER_EVENTS_DEAD_LETTER_TOPIC: where events the webhook refused for good are kept. */
  deadLetter: MessagePublisher;
  logger: Logger;
}

/** The body of a Pub/Sub push (https://cloud.google.com/pubsub/docs/push#receive_push). */
const pushEnvelope = z.object({
  message: z.object({
    data: z.string().min(1),
    attributes: z.record(z.string(), z.string()).optional(),
    messageId: z.string().optional(),
  }),
  subscription: z.string().optional(),
});

const KNOWN_TYPES = new Set<string>(Object.values(USER_EVENT_TYPES));

const userEventShape = z.object({
  specversion: z.literal('1.0'),
  id: z.string().min(1).max(200),
  type: z.string().refine((type) => KNOWN_TYPES.has(type)),
  subject: z.string().min(1).max(256),
});

/**
 * `deliverUserEvents`: the push subscription on USER_EVENTS_TOPIC POSTs each event here (with an
 * OIDC token Cloud Run checks: only that subscription's account may call), and this POSTs it on
 * to USER_EVENTS_WEBHOOK_URL, signed. The answer tells Pub/Sub what to do:
 * - 204: done. The webhook took it (2xx), or refused it for good (a 4xx other than 408/429, or a
 *   redirect): then it is logged and published to the dead-letter topic, never retried.
 * - 503 `upstream_unavailable`: Pub/Sub delivers it again with backoff (10 s to 10 min), and moves
 *   it to the dead-letter topic after MAX_DELIVERY_ATTEMPTS.
 * - 400 `invalid_request`: not a push of one of our events (Pub/Sub retries, then dead-letters it).
 */
export function createDeliveryHandler(deps: DeliveryHandlerDeps): HttpHandler {
  return async (request) => {
    requireMethod(request, ['POST']);
    requireBodyWithin(request);
    const { message } = readPush(parseFormOrJson(request));
    const body = Buffer.from(message.data, 'base64').toString('utf8');
    const event = readEvent(body);
    const log = deps.logger.child({ eventId: event.id, eventType: event.type, userId: event.subject, ...(message.messageId ? { messageId: message.messageId } : {}) });
    const outcome = await postWebhook({ id: event.id, body }, deps).catch((error: unknown): DeliveryOutcome => {
      log.error('The webhook secret could not be read; the event will be delivered again', { errorCode: 'webhook_secret_unavailable', errorName: error instanceof Error ? error.name : typeof error });
      return { kind: 'transient', status: undefined, reason: 'webhook_secret_unavailable' };
    });
    const fields = { outcome: outcome.kind, ...(outcome.status !== undefined ? { webhookStatus: outcome.status } : {}), ...('reason' in outcome ? { reason: outcome.reason } : {}) };
    if (outcome.kind === 'delivered') {
      log.info('User event delivered to the webhook', fields);
      return { status: 204, body: undefined };
    }
    if (outcome.kind === 'permanent') {
      await deps.deadLetter.publish(body, { ...message.attributes, webhookFailure: outcome.reason, webhookStatus: String(outcome.status) }).catch((error: unknown) => {
        throw new AppError('upstream_unavailable', 'The refused event could not be dead-lettered; Pub/Sub will deliver it again.', { retryAfterSeconds: 10, cause: error });
      });
      log.warn('The webhook refused a user event for good; it was moved to the dead-letter topic', fields);
      return { status: 204, body: undefined };
    }
    log.warn('The webhook did not take a user event; Pub/Sub will deliver it again', fields);
    throw new AppError('upstream_unavailable', 'The webhook did not take the event; Pub/Sub will deliver it again.', { retryAfterSeconds: 10, operatorAlerted: true });
  };
}

function readPush(fields: Record<string, unknown>): z.infer<typeof pushEnvelope> {
  const push = pushEnvelope.safeParse(fields);
  if (!push.success) throw new AppError('invalid_request', 'The body is not a Pub/Sub push message.');
  return push.data;
}

function readEvent(body: string): Pick<UserCloudEvent, 'id' | 'type' | 'subject'> {
  let parsed: unknown;
  try {
    parsed = JSON.parse(body);
  } catch {
    parsed = undefined;
  }
  const event = userEventShape.safeParse(parsed);
  if (!event.success) throw new AppError('invalid_request', 'The message is not a user event of this product.');
  return { id: event.data.id, type: event.data.type as UserCloudEvent['type'], subject: event.data.subject };
}
