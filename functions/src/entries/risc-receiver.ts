/** Deployed function `riscReceiver` (HTTP, called by Google's Cross-Account Protection): wiring only. */
import { loadFirestoreConfig } from '../config';
import { loadUserEventsConfig } from '../events/events-config';
import { userEventsFromConfig } from '../events/user-events-from-config';
import { toHttpFunction } from '../http/framework-adapter';
import { createLogger } from '../logging/logger';
import { loadRiscConfig } from '../risc/risc-config';
import { createRiscDiscovery } from '../risc/risc-discovery';
import { createRiscHandler } from '../risc/risc-handler';
import { createFirestore } from '../wiring/firestore';

const env = process.env;
const risc = loadRiscConfig(env);
const firestore = loadFirestoreConfig(env);
const logger = createLogger({ function: 'riscReceiver' });
const db = createFirestore(firestore);

export const riscReceiver = toHttpFunction(
  createRiscHandler({
    discovery: createRiscDiscovery(risc),
    audiences: risc.audiences,
    db,
    usersCollection: firestore.usersCollection,
    events: userEventsFromConfig(loadUserEventsConfig(env), { db, logger }),
    now: () => new Date(),
    logger,
  }),
  logger,
);
