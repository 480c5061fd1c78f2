import type { CollectionReference, Firestore } from '@google-cloud/firestore';
import type { DriveFileSnapshot } from '../../sandbox/src/drive/admin/file-snapshot';
import type { SandboxGoogle } from '../../sandbox/src/server';
import type { UserRecord } from '../../functions/src/users/user-record';

/** Everything the soak's checks look at, read at one moment. */
export interface SoakState {
  /** Epoch ms of the reading. */
  at: number;
  users: Map<string, UserRecord>;
  files: (sub: string) => DriveFileSnapshot[];
  /** Every document in the project, any collection, serialised. */
  documents: { path: string; json: string }[];
}

export async function readSoakState(db: Firestore, sandbox: SandboxGoogle, withDocuments: boolean): Promise<SoakState> {
  const at = Date.now();
  const snapshot = await db.collection('users').get();
  const users = new Map(snapshot.docs.map((doc) => [doc.id, doc.data() as UserRecord]));
  return {
    at,
    users,
    files: (sub) => sandbox.drive.listFiles(sub),
    documents: withDocuments ? await everyDocument(await db.listCollections()) : [],
  };
}

/** Walks every collection and sub-collection (the product keeps none today; a new one is scanned too). */
async function everyDocument(collections: CollectionReference[], depth = 0): Promise<{ path: string; json: string }[]> {
  const out: { path: string; json: string }[] = [];
  for (const collection of collections) {
    for (const doc of (await collection.get()).docs) {
      out.push({ path: doc.ref.path, json: JSON.stringify(doc.data()) });
      if (depth < 3) out.push(...(await everyDocument(await doc.ref.listCollections(), depth + 1)));
    }
  }
  return out;
}
