import { createHmac, randomBytes } from 'node:crypto';

/**
 * Standard Webhooks (https://www.standardwebhooks.com): the secret is `whsec_` and the base64 of
 * the key bytes; each delivery carries `webhook-id`, `webhook-timestamp` (Unix seconds) and
 * `webhook-signature: v1,<base64 of HMAC-SHA256(key, "<id>.<timestamp>.<body>")>`. Receivers
 * verify with any Standard Webhooks library (docs/events.md); the secret itself is never sent.
 */
export const WEBHOOK_SECRET_PREFIX = 'whsec_';
/** What this product generates. */
export const WEBHOOK_KEY_BYTES = 32;
/** What the scheme allows a secret to hold. */
const MIN_KEY_BYTES = 24;
const MAX_KEY_BYTES = 64;
const BASE64 = /^[A-Za-z0-9+/]+={0,2}$/;

/** `whsec_<base64 of 32 random bytes>`. */
export function generateWebhookSecret(): string {
  return `${WEBHOOK_SECRET_PREFIX}${randomBytes(WEBHOOK_KEY_BYTES).toString('base64')}`;
}

/** The key bytes of a `whsec_` secret (surrounding whitespace ignored), or undefined if it is not one. */
export function parseWebhookSecret(text: string): Buffer | undefined {
  const trimmed = text.trim();
  if (!trimmed.startsWith(WEBHOOK_SECRET_PREFIX)) return undefined;
  const encoded = trimmed.slice(WEBHOOK_SECRET_PREFIX.length);
  if (!BASE64.test(encoded)) return undefined;
  const key = Buffer.from(encoded, 'base64');
  return key.length >= MIN_KEY_BYTES && key.length <= MAX_KEY_BYTES ? key : undefined;
}

export interface WebhookHeaders {
  'webhook-id': string;
  'webhook-timestamp': string;
  'webhook-signature': string;
}

export function signWebhook(key: Buffer, id: string, timestampSeconds: number, body: string): WebhookHeaders {
  const signature = createHmac('sha256', key).update(`${id}.${timestampSeconds}.${body}`, 'utf8').digest('base64');
  return { 'webhook-id': id, 'webhook-timestamp': String(timestampSeconds), 'webhook-signature': `v1,${signature}` };
}
