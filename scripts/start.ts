/**
 * `npm start`: the whole local stack on the ports in firebase.json — Firestore emulator, sandbox
 * Google, and every function served by functions-framework exactly as in production — then a
 * copy-paste walk-through. Ctrl-C stops everything (each child runs in its own process group).
 */
import { generateKeyFile } from '../functions/src/tokens/file-key-source';
import { startSandboxGoogle } from '../sandbox/src/server';
import { checkEmulatorPrerequisites, startFirestoreEmulator } from './lib/emulators';
import { startFunction } from './lib/functions-process';
import { LOCAL_CLIENT, LOCAL_KEY_FILE, LOCAL_PROJECT, localFunctionEnv } from './lib/local-env';
import { assertPortsFree } from './lib/ports';
import type { ManagedProcess } from './lib/processes';
import { functionPort, LOCAL_FUNCTIONS, readStackLayout } from './lib/stack-layout';
import { printWalkthrough } from './lib/walkthrough';

async function main(): Promise<void> {
  const layout = readStackLayout();
  checkEmulatorPrerequisites(false);
  const ports = [layout.firestorePort, layout.sandboxGooglePort, ...LOCAL_FUNCTIONS.map((name) => functionPort(layout, name))];
  await assertPortsFree(layout.host, ports);

  const stopping: (() => Promise<void>)[] = [];
  const stopAll = async (): Promise<void> => {
    for (const stop of stopping.reverse()) await stop().catch(() => undefined);
  };
  let shuttingDown = false;
  const shutdown = (signal: string) => {
    if (shuttingDown) return;
    shuttingDown = true;
    console.log(`\n${signal}: stopping the local stack...`);
    void stopAll().then(() => process.exit(0));
  };
  process.on('SIGINT', () => shutdown('SIGINT'));
  process.on('SIGTERM', () => shutdown('SIGTERM'));

  try {
    if (generateKeyFile(LOCAL_KEY_FILE) === 'created') console.log(`Generated a local token key in ${LOCAL_KEY_FILE} (git-ignored).`);

    console.log('Starting the Firestore emulator...');
    const firestore = await startFirestoreEmulator(layout.firestorePort);
    stopping.push(() => firestore.stop());

    const sandbox = await startSandboxGoogle({
      port: layout.sandboxGooglePort,
      clients: [{ clientId: LOCAL_CLIENT.clientId, clientSecret: LOCAL_CLIENT.clientSecret, redirectUris: [] }],
    });
    stopping.push(() => sandbox.close());
    console.log(`Sandbox Google on ${sandbox.url}`);

    const env = localFunctionEnv(layout, sandbox.url);
    const functions: Record<string, ManagedProcess & { url: string }> = {};
    for (const name of LOCAL_FUNCTIONS) {
      const fn = await startFunction(name, functionPort(layout, name), env, (line) => console.log(`[${name}] ${line}`));
      stopping.push(() => fn.stop());
      functions[name] = fn;
    }

    printWalkthrough({
      firestore: `${layout.host}:${layout.firestorePort}`,
      sandboxUrl: sandbox.url,
      exchangeUrl: functions.exchangeAuthCode!.url,
      projectId: LOCAL_PROJECT,
    });
  } catch (error) {
    console.error(error instanceof Error ? error.message : error);
    await stopAll();
    process.exit(1);
  }
}

void main();
