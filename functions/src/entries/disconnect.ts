/** Deployed function `disconnect` (HTTP, called by the app): wiring only. */
import { loadCorsConfig, loadFirestoreConfig, loadGoogleOAuthConfig, loadKeySourceConfig } from '../config';
import { loadUserEventsConfig } from '../events/events-config';
import { userEventsFromConfig } from '../events/user-events-from-config';
import { loadPhotosConfig } from '../google-photos/photos-config';
import { toHttpFunction } from '../http/framework-adapter';
import { createIdTokenVerifier } from '../google/verify-id-token';
import { createDisconnectHandler } from '../lifecycle/disconnect/disconnect-handler';
import { revokeAtGoogle } from '../lifecycle/disconnect/revoke-at-google';
import { interactiveRetryPolicy } from '../google/google-sign-in';
import { createOAuthClient } from '../google/oauth-client';
import { createLogger } from '../logging/logger';
import { createFirestore } from '../wiring/firestore';
import { requestPhotos } from '../wiring/request-photos';
import { createVaultAtStart } from '../wiring/vault';

const env = process.env;
// With the client secret: ending the user's open Photos sessions may need a refreshed access token.
const oauth = loadGoogleOAuthConfig(env);
const firestore = loadFirestoreConfig(env);
const cors = loadCorsConfig(env);
const logger = createLogger({ function: 'disconnect' });
const google = createOAuthClient(oauth);
const retry = interactiveRetryPolicy(oauth);
const db = createFirestore(firestore);
const vault = createVaultAtStart(loadKeySourceConfig(env), logger);
const now = () => new Date();

export const disconnect = toHttpFunction(
  createDisconnectHandler({
    verifyIdToken: createIdTokenVerifier(google, oauth, retry),
    revoke: revokeAtGoogle(google, retry),
    db,
    collection: firestore.usersCollection,
    vault,
    photos: requestPhotos({ db, collection: firestore.usersCollection, vault, client: google, oauth, photos: loadPhotosConfig(env), now }),
    events: userEventsFromConfig(loadUserEventsConfig(env), { db, logger }),
    now,
    logger,
  }),
  logger,
  { cors: { allowedOrigins: cors.allowedOrigins, methods: ['POST'] } },
);
