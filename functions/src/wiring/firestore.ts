import { Firestore } from '@google-cloud/firestore';
import type { FirestoreConfig } from '../config/firestore-config';

/**
 * One Firestore client per instance; FIRESTORE_EMULATOR_HOST is honoured by the client itself.
 * (`preferRest` would keep gRPC off the cold path, but its REST transport insists on default
 * credentials even against the emulator, so the same code could not run locally and in tests.)
 */
export function createFirestore(config: FirestoreConfig): Firestore {
  return new Firestore({ projectId: config.projectId });
}
