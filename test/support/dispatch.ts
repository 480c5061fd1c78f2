import type { Firestore } from '@google-cloud/firestore';
import type { PubSub } from '@google-cloud/pubsub';
import { loadDispatchConfig } from '../../functions/src/config';
import { DEFAULT_DUE_SHARDS } from '../../functions/src/config/due-index-config';
import { createLogger, type Logger } from '../../functions/src/logging/logger';
import { claimDuePage, claimWriter, type DispatchedUser, type DueRange } from '../../functions/src/offline/dispatch/claim-due-users';
import type { DispatchDeps } from '../../functions/src/offline/dispatch/dispatch-tick';
import { createPubSubPublisher } from '../../functions/src/offline/dispatch/work-publisher';
import { NO_OUTBOX_SWEEP } from '../../functions/src/events/sweep-outbox';
import { DueIndex, drawShard } from '../../functions/src/offline/due-index/due-index';

/**
 * What a dispatcher tick would claim right now, every shard and the users without one, straight
 * from Firestore (no Pub/Sub): for tests that drive the worker with the messages it would get.
 */
export async function claimEveryDueUser(
  db: Firestore,
  options: { collection?: string; now?: Date; leaseSeconds?: number; shards?: number } = {},
): Promise<DispatchedUser[]> {
  const writer = claimWriter(db, 10_000);
  const shards = options.shards ?? DEFAULT_DUE_SHARDS;
  const ranges: DueRange[] = [...Array.from({ length: shards }, (_, shard) => ({ shard })), { unsharded: true, assignShard: () => drawShard(shards, Math.random) }];
  try {
    const pages = await Promise.all(
      ranges.map((range) =>
        claimDuePage(db, writer, {
          collection: options.collection ?? 'users',
          range,
          pageSize: 500,
          now: options.now ?? new Date(),
          leaseSeconds: options.leaseSeconds ?? 600,
          startAfter: undefined,
        }),
      ),
    );
    return pages.flatMap((page) => page.claimed);
  } finally {
    await writer.close();
  }
}

/** The dispatcher's collaborators as its entry wires them, on a users collection and a work topic of the test's. */
export function dispatchDepsFor(
  db: Firestore,
  pubsub: PubSub,
  options: { topic: string; collection?: string; env?: Record<string, string>; now?: () => Date; logger?: Logger },
): DispatchDeps {
  const collection = options.collection ?? 'users';
  const config = loadDispatchConfig({ OFFLINE_WORK_TOPIC: options.topic, ...options.env });
  return {
    db,
    publisher: createPubSubPublisher(pubsub, config.topic),
    shardPublisher: undefined,
    dueIndex: new DueIndex(db, collection),
    sweepOutbox: NO_OUTBOX_SWEEP,
    config,
    collection,
    now: options.now ?? (() => new Date()),
    logger: options.logger ?? createLogger({}, () => {}),
  };
}
