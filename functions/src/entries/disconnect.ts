/** Deployed function `disconnect` (HTTP, called by the app): wiring only. */
import { loadFirestoreConfig, loadKeySourceConfig } from '../config';
import { loadUserEventsConfig } from '../events/events-config';
import { userEventsFromConfig } from '../events/user-events-from-config';
import { toHttpFunction } from '../http/framework-adapter';
import { createIdTokenVerifier } from '../google/verify-id-token';
import { createDisconnectHandler } from '../lifecycle/disconnect/disconnect-handler';
import { revokeAtGoogle } from '../lifecycle/disconnect/revoke-at-google';
import { interactiveRetryPolicy } from '../google/google-sign-in';
import { createOAuthClient } from '../google/oauth-client';
import { loadIdentityConfig } from '../config/google-identity-config';
import { createLogger } from '../logging/logger';
import { createFirestore } from '../wiring/firestore';
import { createVaultAtStart } from '../wiring/vault';

const env = process.env;
const identity = loadIdentityConfig(env);
const firestore = loadFirestoreConfig(env);
const logger = createLogger({ function: 'disconnect' });
const google = createOAuthClient(identity);
const retry = interactiveRetryPolicy(identity);
const db = createFirestore(firestore);

export const disconnect = toHttpFunction(
  createDisconnectHandler({
    verifyIdToken: createIdTokenVerifier(google, identity, retry),
    revoke: revokeAtGoogle(google, retry),
    db,
    collection: firestore.usersCollection,
    vault: createVaultAtStart(loadKeySourceConfig(env), logger),
    events: userEventsFromConfig(loadUserEventsConfig(env), { db, logger }),
    now: () => new Date(),
    logger,
  }),
  logger,
);
