/**
 * `npm run fuzz [-- --runs N] [-- --seed S]`: the property-based fuzzing of every HTTP function
 * (test/fuzz) with many more cases than `npm test` runs, against its own emulators and sandbox.
 * Prints one line per function (cases, time, answers by status and code); exits 1 on any failure,
 * printing the failing request and the seed to replay it.
 */
import { checkEmulatorPrerequisites, startFirestoreEmulator, startPubsubEmulator } from './lib/emulators';
import { freePort } from './lib/ports';
import { startFuzzStack } from '../test/fuzz/fuzz-stack';
import { FUZZ_TARGETS } from '../test/fuzz/fuzz-targets';
import { formatReports, fuzzTarget } from '../test/fuzz/run-fuzz';
import { shutdownOnSignals } from './lib/shutdown';

function numberFlag(name: string, fallback: number | undefined): number | undefined {
  const index = process.argv.indexOf(`--${name}`);
  if (index < 0) return fallback;
  const value = Number(process.argv[index + 1]);
  if (!Number.isInteger(value) || value < 0) throw new Error(`--${name} needs a whole number`);
  return value;
}

async function main(): Promise<number> {
  const runs = numberFlag('runs', 3000) ?? 3000;
  const seed = numberFlag('seed', undefined);
  checkEmulatorPrerequisites(true);
  process.env.METADATA_SERVER_DETECTION = 'none';
  const [firestorePort, pubsubPort] = await Promise.all([freePort(), freePort()]);
  const emulators = await Promise.all([startFirestoreEmulator(firestorePort), startPubsubEmulator(pubsubPort, 'offline-access-fuzz')]);
  process.env.FIRESTORE_EMULATOR_HOST = emulators[0].hostPort;
  process.env.PUBSUB_EMULATOR_HOST = emulators[1].hostPort;
  try {
    const stack = await startFuzzStack(FUZZ_TARGETS);
    try {
      console.log(`Fuzzing ${stack.running.length} function configurations, ${runs} cases each${seed === undefined ? '' : `, seed ${seed}`}...`);
      // One function at a time keeps each one's timings honest; the functions are separate processes anyway.
      const reports = [];
      for (const running of stack.running) reports.push(await fuzzTarget(running, { numRuns: runs, ...(seed === undefined ? {} : { seed }) }));
      console.log(formatReports(reports));
      const failures = reports.flatMap((report) => report.failures.map((failure) => `${report.target}: ${failure}`));
      for (const failure of failures) console.error(`\n${failure}`);
      console.log(`\n${reports.reduce((sum, r) => sum + r.runs, 0)} cases, ${failures.length === 0 ? 'no failures' : `${failures.length} failure(s)`}.`);
      return failures.length === 0 ? 0 : 1;
    } finally {
      await stack.close();
    }
  } finally {
    await Promise.all(emulators.map((emulator) => emulator.stop()));
  }
}

// Ctrl-C, SIGTERM or a closed terminal still stops every emulator and function this run started.
shutdownOnSignals();
main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    console.error(error instanceof Error ? error.message : error);
    process.exit(1);
  },
);
