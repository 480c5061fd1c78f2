/** Deployed function `disconnect` (HTTP, called by the app): wiring only. */
import { loadFirestoreConfig, loadKeySourceConfig } from '../config';
import { toHttpFunction } from '../http/framework-adapter';
import { createIdTokenVerifier } from '../lifecycle/authenticate';
import { createDisconnectHandler } from '../lifecycle/disconnect/disconnect-handler';
import { revokeAtGoogle } from '../lifecycle/disconnect/revoke-at-google';
import { createIdentityClient, interactiveRetry } from '../lifecycle/identity-client';
import { loadIdentityConfig } from '../lifecycle/identity-config';
import { createLogger } from '../logging/logger';
import { createFirestore } from '../wiring/firestore';
import { createVaultAtStart } from '../wiring/vault';

const env = process.env;
const identity = loadIdentityConfig(env);
const firestore = loadFirestoreConfig(env);
const logger = createLogger({ function: 'disconnect' });
const google = createIdentityClient(identity);
const retry = interactiveRetry(identity);

export const disconnect = toHttpFunction(
  createDisconnectHandler({
    verifyIdToken: createIdTokenVerifier(google, identity, retry),
    revoke: revokeAtGoogle(google, retry),
    db: createFirestore(firestore),
    collection: firestore.usersCollection,
    vault: createVaultAtStart(loadKeySourceConfig(env), logger),
    now: () => new Date(),
    logger,
  }),
  logger,
);
