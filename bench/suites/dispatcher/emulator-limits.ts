import { createServer } from 'node:http';
import { type Firestore, Timestamp } from '@google-cloud/firestore';
import type { PubSub } from '@google-cloud/pubsub';
import { freePort } from '../../../scripts/lib/ports';
import { sleep } from '../../lib/http-probe';
import { median } from '../../lib/stats';

/**
 * How many requests the Pub/Sub emulator's push keeps in flight on one subscription: 8 messages
 * to an endpoint that answers each after `holdMs`. Production push sends many at once; the
 * emulator's answer (2) is why the bench relays shard messages itself (push-relay.ts).
 */
export async function measureEmulatorPushConcurrency(pubsub: PubSub, holdMs = 700): Promise<number> {
  let inFlight = 0;
  let most = 0;
  let answered = 0;
  const server = createServer((request, response) => {
    request.resume();
    request.on('end', () => {
      inFlight += 1;
      most = Math.max(most, inFlight);
      setTimeout(() => {
        inFlight -= 1;
        answered += 1;
        response.writeHead(204).end();
      }, holdMs);
    });
  });
  const port = await freePort();
  await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve));
  const name = `push-probe-${Date.now()}`;
  const [topic] = await pubsub.createTopic(name);
  const [subscription] = await topic.createSubscription(`${name}-push`, { pushConfig: { pushEndpoint: `http://127.0.0.1:${port}/` }, ackDeadlineSeconds: 60 });
  try {
    const messages = 8;
    await Promise.all(Array.from({ length: messages }, (_, i) => topic.publishMessage({ json: { probe: i } })));
    const deadline = Date.now() + 30_000;
    while (answered < messages && Date.now() < deadline) await sleep(50);
    return most;
  } finally {
    await subscription.delete();
    await topic.delete();
    await new Promise<void>((resolve) => {
      server.close(() => resolve());
      server.closeAllConnections();
    });
  }
}

/**
 * The dispatcher's due query (one page of 500, one shard, oldest first) timed alone on the seeded
 * collection, median of three. The emulator answers it by scanning the whole collection, so its
 * cost grows with the number of users, not with the page; Firestore answers it from the index.
 */
export async function measureDueQueryMs(db: Firestore, collection: string, shard: number): Promise<number> {
  const samples: number[] = [];
  for (let i = 0; i < 3; i += 1) {
    const started = performance.now();
    await db
      .collection(collection)
      .where('status', '==', 'active')
      .where('shard', '==', shard)
      .where('nextRunAt', '<=', Timestamp.now())
      .orderBy('nextRunAt')
      .limit(500)
      .get();
    samples.push(performance.now() - started);
  }
  return median(samples);
}
