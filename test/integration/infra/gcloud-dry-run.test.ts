import { checkWithGcloudBatch } from '../../../infra/check/batch-gcloud';
import { mapWithConcurrency } from '../../../functions/src/concurrency/map-with-concurrency';
import { gcloudCommands, isGcloud, type PrintedCommand } from '../../../infra/check/dry-run-output';
import type { GcloudCheck } from '../../../infra/check/offline-gcloud';
import { offlineGcloud } from '../../../infra/check/offline-gcloud';
import { dryRun } from './dry-runs';

/**
 * The offline proof: every gcloud command the three scripts print in a dry run is handed to the
 * installed gcloud with an empty configuration. gcloud validates arguments before it looks for an
 * account, so each must fail only with "You do not currently have an active account selected",
 * never with a usage error. All commands go through one gcloud CLI instance (gcloud_batch.py);
 * the most intricate ones also through separate `gcloud` processes, which must agree.
 */
const BROKEN: string[][] = [
  ['gcloud', 'functions', 'deploy', 'f', '--gen2', '--region=r', '--labels=a=b'],
  ['gcloud', 'scheduler', 'jobs', 'create', 'http', 'j', '--location=r', '--schedule=* * * * *', '--uri=not-a-url'],
  ['gcloud', 'pubsub', 'subscriptions', 'update', 's', '--max-delivery-attempts=500'],
];

/** The commands with the most to get wrong: many flags, value syntax, conditions, stdin. */
const INTRICATE: string[][] = [
  ['functions', 'deploy'],
  ['scheduler', 'jobs', 'create'],
  ['pubsub', 'subscriptions', 'update'],
  ['firestore', 'indexes', 'composite', 'create'],
  ['secrets', 'versions', 'add'],
  ['projects', 'add-iam-policy-binding'],
];

function failures(checks: readonly GcloudCheck[]): string {
  return checks
    .filter((c) => c.verdict !== 'arguments-accepted')
    .map((c) => `${c.verdict}: ${c.argv.join(' ')}\n  ${c.output.split('\n').slice(0, 2).join('\n  ')}`)
    .join('\n');
}

describe('the installed gcloud accepts every command the scripts print', () => {
  let printed: PrintedCommand[];
  let eventsOff: PrintedCommand[];
  let checks: GcloudCheck[];

  beforeAll(async () => {
    const runs = await Promise.all([dryRun('deploy.sh'), dryRun('teardown.sh', ['--delete-database']), dryRun('rotate-key.sh')]);
    printed = runs.flatMap((run) => gcloudCommands(run.commands));
    // With lifecycle events off, the functions get an empty USER_EVENTS_TOPIC: that form too (in the batch only).
    eventsOff = (await dryRun('deploy.sh', [], ['USER_EVENTS_TOPIC='])).commands.filter((c) => isGcloud(c.argv, 'functions', 'deploy'));
    checks = await checkWithGcloudBatch([...printed.map((c) => c.argv), ...BROKEN, ...eventsOff.map((c) => c.argv)]);
  }, 180_000);

  it('checked the commands of all three scripts', () => {
    expect(printed.length).toBeGreaterThan(100);
    expect(printed.some((c) => isGcloud(c.argv, 'functions', 'deploy'))).toBe(true);
    expect(printed.some((c) => isGcloud(c.argv, 'functions', 'delete'))).toBe(true);
    expect(printed.some((c) => isGcloud(c.argv, 'secrets', 'versions', 'add'))).toBe(true);
  });

  it('accepts every printed command: only the missing account stops each one', () => {
    expect(failures(checks.slice(0, printed.length))).toBe('');
  });

  it('rejects deliberately broken commands, so the check can fail', () => {
    expect(checks.slice(printed.length, printed.length + BROKEN.length).map((c) => c.verdict)).toEqual(BROKEN.map(() => 'arguments-rejected'));
  });

  it('accepts the function deploys with lifecycle events off (an empty USER_EVENTS_TOPIC)', () => {
    expect(eventsOff.length).toBeGreaterThan(5);
    expect(eventsOff.filter((c) => /USER_EVENTS_TOPIC=(\||')/.test(c.line)).length).toBe(5);
    expect(failures(checks.slice(printed.length + BROKEN.length))).toBe('');
  });

  it('agrees with separate gcloud processes on the most intricate commands', async () => {
    const gcloud = offlineGcloud();
    try {
      const sample = [...printed.filter((c) => INTRICATE.some((group) => isGcloud(c.argv, ...group))).map((c) => c.argv), ...BROKEN];
      const perProcess = await mapWithConcurrency(sample, 2, (argv) => gcloud.check(argv));
      const batch = new Map(checks.map((c) => [c.argv.join('\0'), c.verdict]));
      expect(perProcess.map((c) => [c.argv.join(' '), c.verdict])).toEqual(sample.map((argv) => [argv.join(' '), batch.get(argv.join('\0'))]));
    } finally {
      gcloud.dispose();
    }
  }, 120_000);
});
