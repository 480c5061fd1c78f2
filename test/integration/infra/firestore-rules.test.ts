import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  assertFails,
  assertSucceeds,
  initializeTestEnvironment,
  type RulesTestContext,
  type RulesTestEnvironment,
} from '@firebase/rules-unit-testing';
import { collection, deleteDoc, doc, getDoc, getDocs, setDoc, updateDoc } from 'firebase/firestore';

/**
 * firestore.rules is loaded into the run's (gcloud) Firestore emulator through the rules API the
 * Firebase test library uses, then exercised with the Firebase JS SDK, which is what an app would
 * use. A permissive ruleset in a second project is the control: it proves the emulator really
 * evaluates the loaded rules, so the denials below come from our rules and not from a default.
 */
const RULES = readFileSync(join(__dirname, '../../../firestore.rules'), 'utf8');
const ALLOW_ALL = `rules_version = '2';
service cloud.firestore { match /databases/{db}/documents { match /{doc=**} { allow read, write: if true; } } }`;

const SUB = '109876543210987654321';
const PATHS = [`users/${SUB}`, 'riscEvents/jti-1', 'anything/else/deeply/nested'];

function emulatorHost(): { host: string; port: number } {
  const hostPort = process.env.FIRESTORE_EMULATOR_HOST;
  if (!hostPort) throw new Error('FIRESTORE_EMULATOR_HOST is not set: run through jest so globalSetup starts the emulator');
  const [host, port] = hostPort.split(':');
  return { host: host ?? '127.0.0.1', port: Number(port) };
}

async function environment(rules: string): Promise<RulesTestEnvironment> {
  const projectId = `demo-rules-${randomUUID().slice(0, 8)}`;
  const env = await initializeTestEnvironment({ projectId, firestore: { ...emulatorHost(), rules } });
  await env.withSecurityRulesDisabled(async (admin) => {
    for (const path of PATHS) await setDoc(doc(admin.firestore(), path), { status: 'active', seeded: true });
  });
  return env;
}

type Client = { name: string; context: (env: RulesTestEnvironment) => RulesTestContext };

const CLIENTS: Client[] = [
  { name: 'anonymous', context: (env) => env.unauthenticatedContext() },
  { name: 'signed in as another user', context: (env) => env.authenticatedContext('someone-else') },
  // The user whose document it is: even they may not read their own tokens from an app.
  { name: 'signed in as the document owner', context: (env) => env.authenticatedContext(SUB, { email_verified: true }) },
];

const parentOf = (path: string): string => path.split('/').slice(0, -1).join('/');

describe('firestore.rules denies every client SDK request', () => {
  let env: RulesTestEnvironment;
  beforeAll(async () => {
    env = await environment(RULES);
  });
  afterAll(() => env.cleanup());

  describe.each(CLIENTS)('$name', ({ context }) => {
    it.each(PATHS)('cannot read %s', async (path) => {
      await assertFails(getDoc(doc(context(env).firestore(), path)));
    });

    it.each(PATHS)('cannot list the collection of %s', async (path) => {
      await assertFails(getDocs(collection(context(env).firestore(), parentOf(path))));
    });

    it.each(PATHS)('cannot create, update or delete %s', async (path) => {
      const db = context(env).firestore();
      await assertFails(setDoc(doc(db, `${parentOf(path)}/new-${randomUUID()}`), { status: 'active' }));
      await assertFails(updateDoc(doc(db, path), { status: 'disconnected' }));
      await assertFails(deleteDoc(doc(db, path)));
    });
  });

  it('left the seeded documents untouched', async () => {
    await env.withSecurityRulesDisabled(async (admin) => {
      for (const path of PATHS) {
        expect((await getDoc(doc(admin.firestore(), path))).data()).toEqual({ status: 'active', seeded: true });
      }
    });
  });
});

describe('control: the same emulator with a permissive ruleset', () => {
  let env: RulesTestEnvironment;
  beforeAll(async () => {
    env = await environment(ALLOW_ALL);
  });
  afterAll(() => env.cleanup());

  it('lets the same client calls through, so the denials above come from firestore.rules', async () => {
    const db = env.unauthenticatedContext().firestore();
    await assertSucceeds(getDoc(doc(db, `users/${SUB}`)));
    await assertSucceeds(getDocs(collection(db, 'users')));
    await assertSucceeds(updateDoc(doc(db, `users/${SUB}`), { status: 'disconnected' }));
  });
});
