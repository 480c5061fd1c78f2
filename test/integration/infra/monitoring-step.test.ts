import { execFile } from 'node:child_process';
import { chmodSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { checkWithGcloudBatch } from '../../../infra/check/batch-gcloud';
import { isGcloud } from '../../../infra/check/dry-run-output';
import { REPO_ROOT } from '../../../infra/check/run-script';

/**
 * deploy.sh's monitoring step in a real (not dry) run, against a stand-in `gcloud` that records
 * every command and answers the look-ups as a project would: empty, or holding everything from a
 * previous deploy. Shows the step idempotent (a re-run updates, never duplicates), that a missing
 * notification channel stops it before any policy is made, and that each command it would run
 * parses in the installed gcloud.
 */
const FAKE_GCLOUD = `#!/usr/bin/env bash
printf '%s\\0' "$@" >>"$FAKE_LOG"; printf '\\n' >>"$FAKE_LOG"
case "$*" in
  "logging metrics describe "*) [[ $FAKE_EXISTING == 1 ]] ;;
  "alpha monitoring policies list "*) [[ $FAKE_EXISTING == 1 ]] && echo "projects/$FAKE_PROJECT/alertPolicies/1234" ; exit 0 ;;
  "monitoring dashboards list "*) [[ $FAKE_EXISTING == 1 ]] && echo "projects/$FAKE_PROJECT/dashboards/abcd" ; exit 0 ;;
  "alpha monitoring channels describe "*) [[ " $FAKE_MISSING " != *" $5 "* ]] ;;
  *) exit 0 ;;
esac
`;

const PROJECT = 'monitoring-proj-7';
let dir: string;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'monitoring-step-'));
  writeFileSync(join(dir, 'gcloud'), FAKE_GCLOUD);
  chmodSync(join(dir, 'gcloud'), 0o755);
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

interface StepRun {
  code: number;
  stderr: string;
  commands: string[][];
}

function runStep(options: { channels: string; existing: boolean; missing?: string }): Promise<StepRun> {
  const log = join(dir, `log-${Math.random().toString(36).slice(2)}`);
  writeFileSync(log, '');
  const script = `
    source infra/lib/common.sh; source infra/lib/config.sh; source infra/lib/steps/monitoring.sh
    PROJECT=${PROJECT}; CFG_ALERT_NOTIFICATION_CHANNELS=$CHANNELS
    setup_monitoring`;
  return new Promise((resolve) => {
    execFile(
      'bash',
      ['--norc', '-euo', 'pipefail', '-c', script],
      {
        cwd: REPO_ROOT,
        env: { PATH: `${dir}:${process.env.PATH}`, FAKE_LOG: log, FAKE_PROJECT: PROJECT, FAKE_EXISTING: options.existing ? '1' : '0', FAKE_MISSING: options.missing ?? '', CHANNELS: options.channels },
        encoding: 'utf8',
      },
      (error, _stdout, stderr) => {
        const commands = readFileSync(log, 'utf8').split('\n').filter((l) => l !== '').map((l) => ['gcloud', ...l.split('\0').slice(0, -1)]);
        resolve({ code: error ? (typeof error.code === 'number' ? error.code : 1) : 0, stderr, commands });
      },
    );
  });
}

const changing = (run: StepRun) => run.commands.filter((argv) => /^(create|update|delete)$/.test(argv.find((w) => /^(create|update|delete|list|describe)$/.test(w)) ?? ''));
const channel = (id: string) => `projects/${PROJECT}/notificationChannels/${id}`;

describe("deploy.sh's monitoring step (a real run, against a recording gcloud)", () => {
  let first: StepRun;
  let again: StepRun;
  let noChannels: StepRun;

  beforeAll(async () => {
    [first, again, noChannels] = await Promise.all([
      runStep({ channels: `11, ${channel('22')}`, existing: false }),
      runStep({ channels: '11', existing: true }),
      runStep({ channels: '', existing: true }),
    ]);
  });

  it('into an empty project: creates 8 metrics, 6 policies notifying the configured channels, 1 dashboard', () => {
    expect(first.code).toBe(0);
    const made = changing(first);
    expect(made.filter((a) => isGcloud(a, 'logging', 'metrics', 'create'))).toHaveLength(8);
    const policies = made.filter((a) => isGcloud(a, 'alpha', 'monitoring', 'policies', 'create'));
    expect(policies).toHaveLength(6);
    for (const argv of policies) expect(argv).toContain(`--notification-channels=${channel('11')},${channel('22')}`);
    expect(made.filter((a) => isGcloud(a, 'monitoring', 'dashboards', 'create'))).toHaveLength(1);
    expect(made).toHaveLength(15);
    // Each channel was looked up before the first policy.
    const firstPolicy = first.commands.findIndex((a) => isGcloud(a, 'alpha', 'monitoring', 'policies'));
    const lookups = first.commands.map((a, i) => [a, i] as const).filter(([a]) => isGcloud(a, 'alpha', 'monitoring', 'channels', 'describe'));
    expect(lookups.map(([a]) => a[5])).toEqual([channel('11'), channel('22')]);
    expect(Math.max(...lookups.map(([, i]) => i))).toBeLessThan(firstPolicy);
  });

  it('a re-run updates each one in place and creates nothing', () => {
    expect(again.code).toBe(0);
    const made = changing(again);
    expect(made.filter((a) => a.includes('create'))).toEqual([]);
    expect(made.filter((a) => isGcloud(a, 'logging', 'metrics', 'update'))).toHaveLength(8);
    const policies = made.filter((a) => isGcloud(a, 'alpha', 'monitoring', 'policies', 'update'));
    expect(policies.map((a) => a[5])).toEqual(Array(6).fill(`projects/${PROJECT}/alertPolicies/1234`));
    for (const argv of policies) expect(argv).toContain(`--set-notification-channels=${channel('11')}`);
    expect(made.filter((a) => isGcloud(a, 'monitoring', 'dashboards', 'update')).map((a) => a[4])).toEqual([`projects/${PROJECT}/dashboards/abcd`]);
  });

  it('with no channels configured: policies without any (cleared on update), and no empty channel flag', () => {
    expect(noChannels.code).toBe(0);
    expect(noChannels.stderr).toContain('ALERT_NOTIFICATION_CHANNELS is empty');
    const policies = changing(noChannels).filter((a) => isGcloud(a, 'alpha', 'monitoring', 'policies'));
    expect(policies).toHaveLength(6);
    for (const argv of policies) {
      expect(argv).toContain('--clear-notification-channels');
      expect(argv.some((w) => /notification-channels=/.test(w))).toBe(false);
    }
    expect(noChannels.commands.some((a) => isGcloud(a, 'alpha', 'monitoring', 'channels'))).toBe(false);
  });

  it('a channel that does not exist stops the step before any policy is created or changed', async () => {
    const run = await runStep({ channels: `11,33`, existing: false, missing: channel('33') });
    expect(run.code).not.toBe(0);
    expect(run.stderr).toContain(`notification channel ${channel('33')} does not exist in project ${PROJECT}`);
    expect(run.commands.filter((a) => isGcloud(a, 'alpha', 'monitoring', 'policies'))).toEqual([]);
  });

  it('every command it ran, in both runs, parses in the installed gcloud', async () => {
    const all = [...first.commands, ...again.commands, ...noChannels.commands];
    const checks = await checkWithGcloudBatch(all);
    expect(checks.filter((c) => c.verdict !== 'arguments-accepted').map((c) => `${c.verdict}: ${c.argv.join(' ')}\n${c.output.slice(0, 300)}`)).toEqual([]);
  }, 120_000);
});
