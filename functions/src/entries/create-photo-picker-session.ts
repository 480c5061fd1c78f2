/** Deployed function `createPhotoPickerSession` (HTTP, called by the app): wiring only. */
import { loadCorsConfig, loadFirestoreConfig, loadGoogleOAuthConfig, loadKeySourceConfig } from '../config';
import { createIdTokenVerifier } from '../google/verify-id-token';
import { interactiveRetryPolicy } from '../google/google-sign-in';
import { createOAuthClient } from '../google/oauth-client';
import { loadPhotosConfig } from '../google-photos/photos-config';
import { toHttpFunction } from '../http/framework-adapter';
import { createLogger } from '../logging/logger';
import { createPickerSessionHandler } from '../photo-picker/picker-session-handler';
import { createFirestore } from '../wiring/firestore';
import { requestPhotos } from '../wiring/request-photos';
import { createVaultAtStart } from '../wiring/vault';

const env = process.env;
const oauth = loadGoogleOAuthConfig(env);
const firestore = loadFirestoreConfig(env);
const photos = loadPhotosConfig(env);
const cors = loadCorsConfig(env);
const logger = createLogger({ function: 'createPhotoPickerSession' });
const client = createOAuthClient(oauth);
const db = createFirestore(firestore);
const vault = createVaultAtStart(loadKeySourceConfig(env), logger);
const now = () => new Date();

export const createPhotoPickerSession = toHttpFunction(
  createPickerSessionHandler({
    verifyIdToken: createIdTokenVerifier(client, oauth, interactiveRetryPolicy(oauth)),
    db,
    collection: firestore.usersCollection,
    ...requestPhotos({ db, collection: firestore.usersCollection, vault, client, oauth, photos, now }),
    maxOpenSessions: photos.maxOpenSessions,
    now,
    logger,
  }),
  logger,
  { cors: { allowedOrigins: cors.allowedOrigins, methods: ['POST'] } },
);
