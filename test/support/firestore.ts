import { randomUUID } from 'node:crypto';
import { Firestore } from '@google-cloud/firestore';

/**
 * A Firestore client on the run's emulator, in a project of its own so test files never see each
 * other's data. Call `terminate()` in afterAll.
 */
export function emulatorFirestore(label: string, projectId = emulatorProjectId(label)): Firestore {
  if (!process.env.FIRESTORE_EMULATOR_HOST) {
    throw new Error('FIRESTORE_EMULATOR_HOST is not set: run tests through jest so globalSetup starts the emulator');
  }
  return new Firestore({ projectId });
}

/** A project id of its own for `label` (give it to a function process to share the client's data). */
export function emulatorProjectId(label: string): string {
  return `test-${label.toLowerCase().replace(/[^a-z0-9]/g, '-').slice(0, 20)}-${randomUUID().slice(0, 8)}`;
}
