import { checkEmulatorPrerequisites, startFirestoreEmulator, startPubsubEmulator } from '../../scripts/lib/emulators';
import { freePort } from '../../scripts/lib/ports';
import type { ManagedProcess } from '../../scripts/lib/processes';

/**
 * One Firestore and one Pub/Sub emulator for the whole run, on free loopback ports. Test files
 * isolate themselves by project id (see test/support/firestore.ts), so they never share data.
 * The hosts reach the test workers through the environment, exactly as the clients expect them.
 */
export default async function globalSetup(): Promise<void> {
  checkEmulatorPrerequisites(true);
  // Nothing here runs on Google Cloud: stop the client libraries probing for a metadata server.
  process.env.METADATA_SERVER_DETECTION = 'none';
  const [firestorePort, pubsubPort] = await Promise.all([freePort(), freePort()]);
  const [firestore, pubsub] = await Promise.all([
    startFirestoreEmulator(firestorePort),
    startPubsubEmulator(pubsubPort, 'offline-access-test'),
  ]);
  process.env.FIRESTORE_EMULATOR_HOST = firestore.hostPort;
  process.env.PUBSUB_EMULATOR_HOST = pubsub.hostPort;
  (globalThis as { __EMULATORS__?: ManagedProcess[] }).__EMULATORS__ = [firestore, pubsub];
}
