import { checkEmulatorPrerequisites, startFirestoreEmulator, startPubsubEmulator } from '../../scripts/lib/emulators';
import { freePort } from '../../scripts/lib/ports';

export interface BenchEmulators {
  firestoreHost: string;
  pubsubHost: string;
  stop(): Promise<void>;
}

/**
 * The Firestore and Pub/Sub emulators for one bench or soak run, on free loopback ports, exported
 * the way the client libraries (and every function process spawned with this environment) find
 * them. Emulators already named by FIRESTORE_EMULATOR_HOST and PUBSUB_EMULATOR_HOST are reused
 * (as under jest, whose globalSetup started them), and then left running.
 */
export async function useEmulators(): Promise<BenchEmulators> {
  process.env.METADATA_SERVER_DETECTION = 'none';
  const given = { firestore: process.env.FIRESTORE_EMULATOR_HOST, pubsub: process.env.PUBSUB_EMULATOR_HOST };
  if (given.firestore && given.pubsub) {
    return { firestoreHost: given.firestore, pubsubHost: given.pubsub, stop: async () => undefined };
  }
  checkEmulatorPrerequisites(true);
  const [firestorePort, pubsubPort] = await Promise.all([freePort(), freePort()]);
  const [firestore, pubsub] = await Promise.all([startFirestoreEmulator(firestorePort), startPubsubEmulator(pubsubPort, 'offline-access-bench')]);
  process.env.FIRESTORE_EMULATOR_HOST = firestore.hostPort;
  process.env.PUBSUB_EMULATOR_HOST = pubsub.hostPort;
  return {
    firestoreHost: firestore.hostPort,
    pubsubHost: pubsub.hostPort,
    stop: async () => {
      await Promise.all([firestore.stop(), pubsub.stop()]);
    },
  };
}
