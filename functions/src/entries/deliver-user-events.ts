/**
 * Deployed function `deliverUserEvents` (HTTP, called only by the push subscription on
 * USER_EVENTS_TOPIC; deployed when USER_EVENTS_WEBHOOK_URL is set): wiring only.
 */
import { loadWebhookConfig } from '../events/events-config';
import { createMessagePublisher } from '../events/message-publisher';
import { createDeliveryHandler } from '../events/webhook/delivery-handler';
import { webhookSecretFromConfig } from '../events/webhook/webhook-secret';
import { toHttpFunction } from '../http/framework-adapter';
import { createLogger } from '../logging/logger';

const config = loadWebhookConfig(process.env);
const logger = createLogger({ function: 'deliverUserEvents' });

export const deliverUserEvents = toHttpFunction(
  createDeliveryHandler({
    url: config.url,
    secret: webhookSecretFromConfig(config.secret),
    deadLetter: createMessagePublisher({ projectId: config.projectId, topic: config.deadLetterTopic }),
    now: () => new Date(),
    logger,
  }),
  logger,
);
