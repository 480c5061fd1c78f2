/**
 * Deployed function `exchangeAuthCode`: wiring only. Reads configuration once (failing fast with
 * the variable's name), builds the collaborators, and hands them to the exchange handler.
 */
import { appCheckGateFromConfig } from '../app-check/app-check-from-config';
import { loadAppCheckConfig, loadDueIndexConfig, loadFirestoreConfig, loadGoogleOAuthConfig, loadKeySourceConfig } from '../config';
import { loadUserEventsConfig } from '../events/events-config';
import { userEventsFromConfig } from '../events/user-events-from-config';
import { createExchangeHandler } from '../exchange/exchange-handler';
import { createGoogleSignIn } from '../google/google-sign-in';
import { toHttpFunction } from '../http/framework-adapter';
import { createLogger } from '../logging/logger';
import { drawShard } from '../offline/due-index/due-index';
import { createUserRepository } from '../users/user-repository';
import { createFirestore } from '../wiring/firestore';
import { createVaultAtStart } from '../wiring/vault';

const env = process.env;
const oauth = loadGoogleOAuthConfig(env);
const firestore = loadFirestoreConfig(env);
const dueIndex = loadDueIndexConfig(env);
const logger = createLogger({ function: 'exchangeAuthCode' });
const vault = createVaultAtStart(loadKeySourceConfig(env), logger);
const appCheck = appCheckGateFromConfig(loadAppCheckConfig(env));
const db = createFirestore(firestore);
const events = userEventsFromConfig(loadUserEventsConfig(env), { db, logger });

export const exchangeAuthCode = toHttpFunction(
  createExchangeHandler({
    google: createGoogleSignIn(oauth),
    users: createUserRepository(db, firestore.usersCollection, { events, drawShard: () => drawShard(dueIndex.shards, Math.random) }),
    vault,
    requiredScopes: oauth.requiredScopes,
    now: () => new Date(),
  }, appCheck),
  logger,
);
