/** Deployed function `offlineStatus` (HTTP, called by the app): wiring only. No token key, no client secret. */
import { loadCorsConfig, loadFirestoreConfig } from '../config';
import { toHttpFunction } from '../http/framework-adapter';
import { createIdTokenVerifier } from '../google/verify-id-token';
import { interactiveRetryPolicy } from '../google/google-sign-in';
import { createOAuthClient } from '../google/oauth-client';
import { loadIdentityConfig } from '../config/google-identity-config';
import { createStatusHandler } from '../lifecycle/status/status-handler';
import { createLogger } from '../logging/logger';
import { createFirestore } from '../wiring/firestore';

const env = process.env;
const identity = loadIdentityConfig(env);
const firestore = loadFirestoreConfig(env);
const cors = loadCorsConfig(env);
const logger = createLogger({ function: 'offlineStatus' });

export const offlineStatus = toHttpFunction(
  createStatusHandler({
    verifyIdToken: createIdTokenVerifier(createOAuthClient(identity), identity, interactiveRetryPolicy(identity)),
    db: createFirestore(firestore),
    collection: firestore.usersCollection,
    requiredScopes: identity.requiredScopes,
  }),
  logger,
  { cors: { allowedOrigins: cors.allowedOrigins, methods: ['GET'] } },
);
