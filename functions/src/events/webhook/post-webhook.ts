import type { WebhookSecretSource } from './webhook-secret';
import { signWebhook } from './webhook-signature';

/** No answer within this long is a transient failure: Pub/Sub delivers the event again later. */
export const WEBHOOK_TIMEOUT_MS = 10_000;

export type DeliveryOutcome =
  | { kind: 'delivered'; status: number }
  /** Retrying cannot help (the receiver refused the event itself): dead-lettered at once. */
  | { kind: 'permanent'; status: number; reason: string }
  /** Pub/Sub delivers it again, with backoff, until MAX_DELIVERY_ATTEMPTS. */
  | { kind: 'transient'; status: number | undefined; reason: string };

export interface PostWebhookDeps {
  /** The operator's USER_EVENTS_WEBHOOK_URL: nothing in an event or a request can change it. */
  url: string;
  secret: WebhookSecretSource;
  now: () => Date;
  timeoutMs?: number;
  fetch?: typeof fetch;
}

/**
 * POSTs one event as CloudEvents structured-mode JSON, signed by the Standard Webhooks scheme.
 * Redirects are not followed (a redirect could point anywhere: it is a permanent failure, the
 * operator fixes the URL); the answer's body is not read beyond what closing it takes.
 */
export async function postWebhook(event: { id: string; body: string }, deps: PostWebhookDeps): Promise<DeliveryOutcome> {
  const key = await deps.secret.current();
  const headers = signWebhook(key, event.id, Math.floor(deps.now().getTime() / 1000), event.body);
  let response: Response;
  try {
    response = await (deps.fetch ?? fetch)(deps.url, {
      method: 'POST',
      headers: { 'content-type': 'application/cloudevents+json; charset=utf-8', 'user-agent': 'offline-access-webhook/1', ...headers },
      body: event.body,
      redirect: 'manual',
      signal: AbortSignal.timeout(deps.timeoutMs ?? WEBHOOK_TIMEOUT_MS),
    });
  } catch (error) {
    const name = (error as { name?: unknown } | null)?.name;
    const timedOut = name === 'TimeoutError' || name === 'AbortError';
    return { kind: 'transient', status: undefined, reason: timedOut ? 'timeout' : 'network_error' };
  }
  await response.body?.cancel().catch(() => undefined);
  return classifyAnswer(response.status);
}

/** 2xx done; 408 and 429 retried; other 4xx (and 3xx: no redirects) permanent; everything else retried. */
export function classifyAnswer(status: number): DeliveryOutcome {
  if (status >= 200 && status < 300) return { kind: 'delivered', status };
  if (status === 408 || status === 429) return { kind: 'transient', status, reason: `http_${status}` };
  if (status >= 300 && status < 400) return { kind: 'permanent', status, reason: 'redirect_not_followed' };
  if (status >= 400 && status < 500) return { kind: 'permanent', status, reason: `http_${status}` };
  return { kind: 'transient', status, reason: `http_${status}` };
}
