/**
 * `npm start`: the whole local stack on the ports in firebase.json (Firestore and Pub/Sub
 * emulators, sandbox Google, every function served by functions-framework exactly as in
 * production, a local scheduler tick), then a copy-paste walk-through. Ctrl-C stops everything.
 */
import { LOCAL_PROJECT } from './lib/local-env';
import { startLocalStack } from './lib/local-stack';
import { functionUrl, LOCAL_FUNCTIONS, readStackLayout } from './lib/stack-layout';
import { printWalkthrough } from './lib/walkthrough';

async function main(): Promise<void> {
  const layout = readStackLayout();
  const scheduleSeconds = Number(process.env.LOCAL_SCHEDULE ?? 15);
  if (!Number.isInteger(scheduleSeconds) || scheduleSeconds <= 0) throw new Error('LOCAL_SCHEDULE must be a whole number of seconds');
  const stack = await startLocalStack(layout, { scheduleSeconds, log: (line) => console.log(line) });

  let stopping = false;
  const shutdown = (signal: string): void => {
    if (stopping) return;
    stopping = true;
    console.log(`\n${signal}: stopping the local stack...`);
    void stack.stop().then(() => process.exit(0));
  };
  process.on('SIGINT', () => shutdown('SIGINT'));
  process.on('SIGTERM', () => shutdown('SIGTERM'));

  printWalkthrough({
    firestore: `${layout.host}:${layout.firestorePort}`,
    pubsub: `${layout.host}:${layout.pubsubPort}`,
    sandboxUrl: stack.sandboxUrl,
    exchangeUrl: functionUrl(layout, 'exchangeAuthCode'),
    dispatcherUrl: functionUrl(layout, 'dispatchOfflineWork'),
    workerUrl: functionUrl(layout, 'runOfflineWork'),
    others: Object.fromEntries(
      LOCAL_FUNCTIONS.filter((name) => !['exchangeAuthCode', 'dispatchOfflineWork', 'runOfflineWork'].includes(name)).map((name) => [name, functionUrl(layout, name)]),
    ),
    projectId: LOCAL_PROJECT,
    scheduleSeconds,
  });
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
});
