/**
 * Deployed function `backfillShards` (HTTP, operator-invoked, private): wiring only. Gives every
 * user written before sharding a shard of the due index, page by page, resumable.
 */
import { loadDueIndexConfig, loadFirestoreConfig } from '../config';
import { toHttpFunction } from '../http/framework-adapter';
import { createLogger } from '../logging/logger';
import { createBackfillHandler } from '../offline/due-index/backfill-handler';
import { DueIndex } from '../offline/due-index/due-index';
import { createFirestore } from '../wiring/firestore';

const env = process.env;
const firestore = loadFirestoreConfig(env);
const dueIndex = loadDueIndexConfig(env);
const logger = createLogger({ function: 'backfillShards' });
const db = createFirestore(firestore);

export const backfillShards = toHttpFunction(
  createBackfillHandler({
    db,
    collection: firestore.usersCollection,
    dueIndex: new DueIndex(db, firestore.usersCollection),
    shards: dueIndex.shards,
    random: Math.random,
    pageSize: 500,
    // The function's timeout (3600 s) less a margin; a call answers a cursor before it.
    budgetSeconds: 300,
    now: () => new Date(),
    logger,
  }),
  logger,
);
