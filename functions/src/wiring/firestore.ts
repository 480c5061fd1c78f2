import { createRequire } from 'node:module';
import { Firestore } from '@google-cloud/firestore';
import type { FirestoreConfig } from '../config/firestore-config';

/**
 * One Firestore client per instance; FIRESTORE_EMULATOR_HOST is honoured by the client itself.
 * (`preferRest` would keep gRPC off the cold path, but its REST transport insists on default
 * credentials even against the emulator, so the same code could not run locally and in tests.)
 */
export function createFirestore(config: FirestoreConfig): Firestore {
  primeFirestoreLazyRequire();
  return new Firestore({ projectId: config.projectId });
}

/**
 * The Firestore client calls `require('google-gax/fallback')` on every commit (its
 * `createCallOptions`, @google-cloud/firestore 9.4). Node remembers where a `require` from a folder
 * led only when that `require` is the one that first loads the module, and it never caches a
 * path it found through a package's `exports` map; google-gax's own index loads `./fallback`
 * first, so each commit resolved the path again (stat calls and package.json lookups: 20-30 us a
 * commit measured alone, 0.18 ms per user-run in the worker's profile; bench/README.md).
 * Requiring it once from the client's own folder, before the client loads it any other way, makes
 * that first load the client's: every later call is a cache hit. A client laid out otherwise
 * (found elsewhere, or google-gax already loaded) only misses the saving.
 * test/integration/wiring/firestore-require.test.ts checks that it takes effect.
 */
function primeFirestoreLazyRequire(): void {
  try {
    createRequire(require.resolve('@google-cloud/firestore'))('google-gax/fallback');
  } catch {
    // Not resolvable from there: the client loads it as it always has.
  }
}
