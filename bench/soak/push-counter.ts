import { createServer, request } from 'node:http';
import { freePort } from '../../scripts/lib/ports';

/**
 * Sits between Pub/Sub's push and the worker to count deliveries per message id, so the soak can
 * show redelivery happening (after a SIGKILL, or when a run outlives the ack deadline) rather than
 * assume it. It forwards every request unchanged; when the worker is down the delivery fails as it
 * would without the counter (the connection is dropped), and Pub/Sub delivers again later.
 */
export interface PushCounter {
  /** The push endpoint to give the subscription, standing in for the worker's URL. */
  url: string;
  deliveries(): { total: number; distinctMessages: number };
  close(): Promise<void>;
}

export async function startPushCounter(workerPort: number): Promise<PushCounter> {
  const perMessage = new Map<string, number>();
  let total = 0;
  const server = createServer((incoming, outgoing) => {
    const chunks: Buffer[] = [];
    incoming.on('data', (chunk: Buffer) => chunks.push(chunk));
    incoming.on('end', () => {
      const body = Buffer.concat(chunks);
      total += 1;
      const id = messageIdOf(body);
      if (id) perMessage.set(id, (perMessage.get(id) ?? 0) + 1);
      const upstream = request(
        { host: '127.0.0.1', port: workerPort, path: incoming.url, method: incoming.method, headers: incoming.headers, timeout: 120_000 },
        (answer) => {
          outgoing.writeHead(answer.statusCode ?? 502, answer.headers);
          answer.pipe(outgoing);
        },
      );
      upstream.on('error', () => outgoing.destroy());
      upstream.on('timeout', () => upstream.destroy());
      upstream.end(body);
    });
  });
  const port = await freePort();
  await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${port}`,
    deliveries: () => ({ total, distinctMessages: perMessage.size }),
    close: () =>
      new Promise((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}

function messageIdOf(body: Buffer): string | undefined {
  try {
    const id = (JSON.parse(body.toString('utf8')) as { message?: { messageId?: unknown } }).message?.messageId;
    return typeof id === 'string' ? id : undefined;
  } catch {
    return undefined;
  }
}
