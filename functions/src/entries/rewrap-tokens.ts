/**
 * Deployed function `rewrapTokens` (HTTP, operator-invoked, private): wiring only. Re-seals stored
 * tokens under the newest token-key version after a rotation, page by page, resumable.
 */
import { loadFirestoreConfig, loadKeySourceConfig, loadRewrapConfig } from '../config';
import { toHttpFunction } from '../http/framework-adapter';
import { createLogger } from '../logging/logger';
import { createRewrapHandler } from '../rotation/rewrap-handler';
import { createFirestore } from '../wiring/firestore';
import { createVaultAtStart } from '../wiring/vault';

const env = process.env;
const firestore = loadFirestoreConfig(env);
const logger = createLogger({ function: 'rewrapTokens' });

export const rewrapTokens = toHttpFunction(
  createRewrapHandler({
    db: createFirestore(firestore),
    collection: firestore.usersCollection,
    vault: createVaultAtStart(loadKeySourceConfig(env), logger),
    config: loadRewrapConfig(env),
    now: () => new Date(),
    logger,
  }),
  logger,
);
