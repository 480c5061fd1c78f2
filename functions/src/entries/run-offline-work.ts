/** Deployed function `runOfflineWork` (Pub/Sub CloudEvent): wiring only. */
import { loadFirestoreConfig, loadGoogleOAuthConfig, loadKeySourceConfig, loadWorkerConfig } from '../config';
import { loadLoggingConfig } from '../config/logging-config';
import { loadDriveConfig } from '../drive/drive-config';
import { loadUserEventsConfig } from '../events/events-config';
import { userEventsFromConfig } from '../events/user-events-from-config';
import { createOAuthClient } from '../google/oauth-client';
import { loadPhotosConfig } from '../google-photos/photos-config';
import { registeredJobs } from '../jobs/registered-jobs';
import { createLogger } from '../logging/logger';
import { LeaseStore } from '../offline/work/lease-store';
import { applySharpSettings } from '../photos/sharp-settings';
import { createWorkerHandler } from '../offline/work/worker-handler';
import { createFirestore } from '../wiring/firestore';
import { createVaultAtStart } from '../wiring/vault';

const env = process.env;
const oauth = loadGoogleOAuthConfig(env);
const firestore = loadFirestoreConfig(env);
const worker = loadWorkerConfig(env);
const logger = createLogger({ function: 'runOfflineWork' });
const db = createFirestore(firestore);
const events = userEventsFromConfig(loadUserEventsConfig(env), { db, logger });
applySharpSettings();

export const runOfflineWork = createWorkerHandler(
  {
    leases: new LeaseStore(db, firestore.usersCollection, events),
    vault: createVaultAtStart(loadKeySourceConfig(env), logger),
    oauth: createOAuthClient(oauth),
    jobs: registeredJobs({ db, usersCollection: firestore.usersCollection, events, photos: loadPhotosConfig(env) }),
    config: worker,
    // Nobody is waiting on a background run: back off longer than in a request.
    refreshRetry: { maxAttempts: oauth.maxAttempts + 1, baseDelayMs: 500, maxDelayMs: 10_000 },
    drive: loadDriveConfig(env),
    now: () => new Date(),
    random: Math.random,
    logger,
  },
  logger,
  loadLoggingConfig(env),
);
