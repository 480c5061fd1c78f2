/**
 * `npm start`: the whole local stack on the ports in firebase.json (Firestore and Pub/Sub
 * emulators, sandbox Google, every function served by functions-framework exactly as in
 * production, a local scheduler tick), then a copy-paste walk-through. Ctrl-C, SIGTERM or closing
 * the terminal stops everything, also half-way through starting and with stdout a broken pipe.
 */
import { LOCAL_PROJECT } from './lib/local-env';
import { startLocalStack } from './lib/local-stack';
import { atShutdown, exitAfterStopping, say, shutdownOnSignals } from './lib/shutdown';
import { functionUrl, readStackLayout } from './lib/stack-layout';
import { printWalkthrough } from './lib/walkthrough';

async function main(): Promise<void> {
  const layout = readStackLayout();
  const scheduleSeconds = Number(process.env.LOCAL_SCHEDULE ?? 15);
  if (!Number.isInteger(scheduleSeconds) || scheduleSeconds <= 0) throw new Error('LOCAL_SCHEDULE must be a whole number of seconds');
  const stack = await startLocalStack(layout, { scheduleSeconds, log: (line) => say(line) });
  atShutdown(() => stack.stop());

  printWalkthrough({
    firestore: `${layout.host}:${layout.firestorePort}`,
    pubsub: `${layout.host}:${layout.pubsubPort}`,
    sandboxUrl: stack.sandboxUrl,
    exchangeUrl: functionUrl(layout, 'exchangeAuthCode'),
    dispatcherUrl: functionUrl(layout, 'dispatchOfflineWork'),
    workerUrl: functionUrl(layout, 'runOfflineWork'),
    others: Object.fromEntries(
      stack.functions.filter((name) => !['exchangeAuthCode', 'dispatchOfflineWork', 'runOfflineWork'].includes(name)).map((name) => [name, functionUrl(layout, name)]),
    ),
    projectId: LOCAL_PROJECT,
    scheduleSeconds,
  });
}

// Stopping is how `npm start` is meant to end: exit 0, so npm adds no error of its own.
shutdownOnSignals({ exitCode: 0, message: (signal) => `\n${signal}: stopping the local stack...` });
main().catch((error: unknown) => exitAfterStopping(1, error instanceof Error ? error.message : String(error)));
