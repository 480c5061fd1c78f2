/**
 * `npm run fleet -- [--project ID] [--json] [--collection NAME] [--interval SECONDS]`: the fleet
 * report (docs/monitoring.md). Without --project it reads the Firestore emulator of `npm start`
 * (firebase.json's port, moved by LOCAL_PORT_OFFSET); with --project, that project's Firestore
 * with Application Default Credentials (`gcloud auth application-default login`).
 */
import { Firestore } from '@google-cloud/firestore';
import { parseArgs } from 'node:util';
import { collectFleetReport, formatFleetReport } from './lib/fleet-report';
import { LOCAL_PROJECT } from './lib/local-env';
import { readStackLayout } from './lib/stack-layout';

const USAGE = `Usage: npm run fleet -- [--project ID] [--json] [--collection NAME] [--interval SECONDS]

  --project     a Google Cloud project, read with Application Default Credentials
                (default: the Firestore emulator of npm start)
  --json        the report as JSON, for scripts
  --collection  the users collection (default: USERS_COLLECTION, or users)
  --interval    the deployment's OFFLINE_WORK_INTERVAL in seconds (default: OFFLINE_WORK_INTERVAL, or 3600)`;

function options(argv: string[]) {
  const { values } = parseArgs({
    args: argv,
    options: { project: { type: 'string' }, json: { type: 'boolean', default: false }, collection: { type: 'string' }, interval: { type: 'string' }, help: { type: 'boolean', short: 'h', default: false } },
    strict: true,
  });
  const interval = Number(values.interval ?? process.env.OFFLINE_WORK_INTERVAL ?? 3600);
  if (!Number.isInteger(interval) || interval <= 0) throw new Error('--interval must be a positive whole number of seconds');
  const collection = values.collection ?? (process.env.USERS_COLLECTION || 'users');
  if (!/^[A-Za-z0-9_-]{1,100}$/.test(collection)) throw new Error('--collection must be a plain collection id');
  if (values.project !== undefined && !/^[a-z][a-z0-9-]{4,28}[a-z0-9]$/.test(values.project)) throw new Error(`--project ${values.project} is not a Google Cloud project id`);
  return { project: values.project, json: values.json, collection, interval, help: values.help };
}

function firestoreFor(project: string | undefined): { db: Firestore; where: string } {
  if (project !== undefined) {
    // A real project: never the emulator, even if the shell has FIRESTORE_EMULATOR_HOST set.
    delete process.env.FIRESTORE_EMULATOR_HOST;
    return { db: new Firestore({ projectId: project }), where: `project ${project}` };
  }
  const layout = readStackLayout();
  const host = `${layout.host}:${layout.firestorePort}`;
  process.env.FIRESTORE_EMULATOR_HOST = host;
  return { db: new Firestore({ projectId: LOCAL_PROJECT }), where: `the emulator of npm start (${host})` };
}

async function main(): Promise<void> {
  const opts = options(process.argv.slice(2));
  if (opts.help) {
    console.log(USAGE);
    return;
  }
  const { db, where } = firestoreFor(opts.project);
  try {
    const report = await collectFleetReport(db, { collection: opts.collection, intervalSeconds: opts.interval, now: new Date() });
    process.stdout.write(opts.json ? `${JSON.stringify(report, null, 2)}\n` : `Reading ${where}\n${formatFleetReport(report)}`);
  } finally {
    await db.terminate();
  }
}

main().catch((error: unknown) => {
  const code = (error as { code?: unknown }).code;
  const hint = code === 14 ? ' (is `npm start` running? Or pass --project ID)' : code === 9 ? ' (a query needs an index: run infra/deploy.sh, which creates them)' : code === 7 || code === 16 ? ' (Application Default Credentials: gcloud auth application-default login)' : '';
  console.error(`fleet: ${error instanceof Error ? error.message : String(error)}${hint}`);
  process.exit(1);
});
