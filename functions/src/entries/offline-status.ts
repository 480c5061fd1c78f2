/** Deployed function `offlineStatus` (HTTP, called by the app): wiring only. No token key, no client secret. */
import { loadFirestoreConfig } from '../config';
import { toHttpFunction } from '../http/framework-adapter';
import { createIdTokenVerifier } from '../lifecycle/authenticate';
import { createIdentityClient, interactiveRetry } from '../lifecycle/identity-client';
import { loadIdentityConfig } from '../lifecycle/identity-config';
import { createStatusHandler } from '../lifecycle/status/status-handler';
import { createLogger } from '../logging/logger';
import { createFirestore } from '../wiring/firestore';

const env = process.env;
const identity = loadIdentityConfig(env);
const firestore = loadFirestoreConfig(env);
const logger = createLogger({ function: 'offlineStatus' });

export const offlineStatus = toHttpFunction(
  createStatusHandler({
    verifyIdToken: createIdTokenVerifier(createIdentityClient(identity), identity, interactiveRetry(identity)),
    db: createFirestore(firestore),
    collection: firestore.usersCollection,
    requiredScopes: identity.requiredScopes,
  }),
  logger,
);
