import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import { Webhook } from 'standardwebhooks';

export interface ReceivedDelivery {
  headers: IncomingHttpHeaders;
  body: string;
  /** Whether `standardwebhooks` (the scheme's reference implementation) accepted the signature. */
  verified: boolean;
  at: number;
}

/**
 * The app's backend as the tests play it: an HTTP server on 127.0.0.1 that verifies each
 * delivery with the `standardwebhooks` package and answers as told, per event id (a list of
 * statuses, one per attempt; the last one repeats). Default: 204.
 */
export interface WebhookReceiver {
  readonly url: string;
  /** Every delivery, by event id (`webhook-id`). */
  deliveries(eventId: string): ReceivedDelivery[];
  all(): ReceivedDelivery[];
  answer(eventId: string, statuses: number[], headers?: Record<string, string>): void;
  close(): Promise<void>;
}

export async function startWebhookReceiver(secret: string): Promise<WebhookReceiver> {
  const verifier = new Webhook(secret);
  const received: ReceivedDelivery[] = [];
  const plans = new Map<string, { statuses: number[]; headers: Record<string, string> }>();
  const server: Server = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      const body = Buffer.concat(chunks).toString('utf8');
      let verified = true;
      try {
        verifier.verify(body, request.headers as Record<string, string>);
      } catch {
        verified = false;
      }
      received.push({ headers: request.headers, body, verified, at: Date.now() });
      const id = String(request.headers['webhook-id'] ?? '');
      const plan = plans.get(id);
      const status = plan ? (plan.statuses.length > 1 ? plan.statuses.shift()! : plan.statuses[0]!) : 204;
      response.writeHead(status, plan?.headers ?? {});
      response.end(status === 204 ? undefined : 'answer');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  if (address === null || typeof address === 'string') throw new Error('no address');
  return {
    url: `http://127.0.0.1:${address.port}/hooks/offline-access`,
    deliveries: (eventId) => received.filter((d) => d.headers['webhook-id'] === eventId),
    all: () => received,
    answer: (eventId, statuses, headers = {}) => plans.set(eventId, { statuses: [...statuses], headers }),
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}
