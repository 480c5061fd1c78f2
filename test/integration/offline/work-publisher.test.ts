import { PubSub } from '@google-cloud/pubsub';
import { createPubSubPublisher, createShardPublisher, PublishFailedError } from '../../../functions/src/offline/dispatch/work-publisher';
import { startBlackhole } from '../../support/blackhole';

/**
 * A Pub/Sub that accepts connections and never answers: each publish gives up at its timeout, its
 * retries included, instead of the client's own 600 s, so a shard run that claimed users still
 * answers inside its subscription's ack deadline (the users wait out their claim; none is lost).
 */
describe('the dispatcher publishers give up at their timeout', () => {
  let blackhole: Awaited<ReturnType<typeof startBlackhole>>;
  let pubsub: PubSub;
  beforeAll(async () => {
    blackhole = await startBlackhole();
    pubsub = new PubSub({ projectId: 'publish-timeout', apiEndpoint: blackhole.hostPort, emulatorMode: true });
  });
  afterAll(async () => {
    await pubsub.close();
    await blackhole.close();
  });

  it.each([
    ['work', () => createPubSubPublisher(pubsub, 'offline-work', { timeoutMs: 1_500 }).publish([{ userId: 'u1', dispatchId: 'd1' }])],
    ['shard', () => createShardPublisher(pubsub, 'offline-work-dispatch', { timeoutMs: 1_500 }).publishShards([0, 1, 2])],
  ])('%s messages: rejects with PublishFailedError within about the timeout', async (_kind, publish) => {
    const started = Date.now();
    const error = await publish().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(PublishFailedError);
    expect(Date.now() - started).toBeGreaterThanOrEqual(1_000);
    expect(Date.now() - started).toBeLessThan(8_000);
  }, 20_000);
});
