import { randomUUID } from 'node:crypto';
import { Firestore } from '@google-cloud/firestore';

/**
 * A Firestore client on the run's emulator, in a project of its own so test files never see each
 * other's data. Call `terminate()` in afterAll.
 */
export function emulatorFirestore(label: string): Firestore {
  if (!process.env.FIRESTORE_EMULATOR_HOST) {
    throw new Error('FIRESTORE_EMULATOR_HOST is not set: run tests through jest so globalSetup starts the emulator');
  }
  const projectId = `test-${label.toLowerCase().replace(/[^a-z0-9]/g, '-').slice(0, 20)}-${randomUUID().slice(0, 8)}`;
  return new Firestore({ projectId });
}
