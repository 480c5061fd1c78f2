import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { flagValue, isGcloud, parseDryRunOutput } from '../../../infra/check/dry-run-output';
import { deployedFunctions } from '../../../infra/check/iam-grants';
import { REPO_ROOT, runInfraScript } from '../../../infra/check/run-script';
import { workerRuntimeEnv } from '../../../scripts/lib/deploy-settings';
import { dryRun, EXAMPLE_CONFIG } from './dry-runs';

/** deploy.sh's behaviour around its inputs: the config file, flags, secrets and entry files. */
let workDir: string;
let gcloudConfig: string;
beforeAll(() => {
  workDir = mkdtempSync(join(tmpdir(), 'deploy-script-'));
  gcloudConfig = mkdtempSync(join(tmpdir(), 'gcloud-none-'));
});
afterAll(() => {
  rmSync(workDir, { recursive: true, force: true });
  rmSync(gcloudConfig, { recursive: true, force: true });
});

const NO_ACCOUNT_ENV = () => ({ CLOUDSDK_CONFIG: gcloudConfig, CLOUDSDK_CORE_DISABLE_PROMPTS: '1', HOME: gcloudConfig });

function configWith(lines: string[]): string {
  const file = join(workDir, `config-${Math.random().toString(36).slice(2)}.env`);
  writeFileSync(file, `${readFileSync(EXAMPLE_CONFIG, 'utf8')}\n${lines.join('\n')}\n`);
  return file;
}

const deployDryRun = (args: string[]) => runInfraScript('deploy.sh', ['--dry-run', ...args], NO_ACCOUNT_ENV());

function deployOf(stdout: string, functionName: string): string[] {
  const deploy = parseDryRunOutput(stdout).find((c) => isGcloud(c.argv, 'functions', 'deploy') && c.argv[3] === functionName);
  if (!deploy) throw new Error(`no gcloud functions deploy ${functionName}`);
  return deploy.argv;
}

function envVarsOf(stdout: string, functionName: string): Map<string, string> {
  const deploy = parseDryRunOutput(stdout).find((c) => isGcloud(c.argv, 'functions', 'deploy') && c.argv[3] === functionName);
  const value = deploy && flagValue(deploy.argv, 'set-env-vars');
  if (!value?.startsWith('^|^')) throw new Error(`${functionName}: no --set-env-vars with the ^|^ delimiter`);
  return new Map(value.slice(3).split('|').map((pair) => [pair.slice(0, pair.indexOf('=')), pair.slice(pair.indexOf('=') + 1)]));
}

describe('deploy.sh --dry-run', () => {
  it('prints only commands and section comments on stdout, and needs no Google account', async () => {
    const run = await dryRun('deploy.sh');
    const programs = new Set(run.commands.map((c) => c.argv[0]));
    expect([...programs].sort()).toEqual(['curl', 'gcloud', 'npm', 'rm']);
    expect(run.stdout).not.toMatch(/^\+ /m);
  });

  it('passes list values with commas and spaces through as one variable each', async () => {
    const config = configWith([
      'ALLOWED_AUDIENCES=a.apps.googleusercontent.com,b.apps.googleusercontent.com',
      'REQUIRED_SCOPES="openid email https://www.googleapis.com/auth/drive.appdata"',
      "LEASE_SECONDS='900'",
    ]);
    const run = await deployDryRun(['--config', config]);
    expect(run.code).toBe(0);
    const env = envVarsOf(run.stdout, 'runOfflineWork');
    expect(env.get('ALLOWED_AUDIENCES')).toBe('a.apps.googleusercontent.com,b.apps.googleusercontent.com');
    expect(env.get('REQUIRED_SCOPES')).toBe('openid email https://www.googleapis.com/auth/drive.appdata');
    expect(env.get('LEASE_SECONDS')).toBe('900');
    expect(env.get('WORKER_TIMEOUT_SECONDS')).toBe('540');
    expect(env.get('TOKEN_KEY_SECRET')).toBe('projects/my-offline-access/secrets/token-key');
    expect(env.get('GOOGLE_CLOUD_PROJECT')).toBe('my-offline-access');
    expect(env.has('ALLOWED_AUTHORIZED_PARTIES')).toBe(false);
  });

  it("tells every HTTP function its own timeout, so that it answers before Cloud Run's 504", async () => {
    const run = await dryRun('deploy.sh');
    const deploys = run.commands.filter((c) => isGcloud(c.argv, 'functions', 'deploy'));
    const http = deploys.filter((c) => c.argv.includes('--trigger-http'));
    expect(http.map((c) => c.argv[3])).toEqual(expect.arrayContaining(['exchangeAuthCode', 'disconnect', 'rewrapTokens']));
    for (const deploy of http) {
      const name = deploy.argv[3]!;
      expect([name, envVarsOf(run.stdout, name).get('REQUEST_TIMEOUT_SECONDS')]).toEqual([name, flagValue(deploy.argv, 'timeout')!.replace(/s$/, '')]);
    }
    expect(envVarsOf(run.stdout, 'exchangeAuthCode').get('REQUEST_TIMEOUT_SECONDS')).toBe('60');
    expect(envVarsOf(run.stdout, 'runOfflineWork').has('REQUEST_TIMEOUT_SECONDS')).toBe(false);
  });

  it('reads the client secret only from Secret Manager, and the token key not at all from the environment', async () => {
    const run = await dryRun('deploy.sh');
    const exchange = envVarsOf(run.stdout, 'exchangeAuthCode');
    expect(exchange.has('GOOGLE_OAUTH_CLIENT_SECRET')).toBe(false);
    const deploy = run.commands.find((c) => isGcloud(c.argv, 'functions', 'deploy') && c.argv[3] === 'exchangeAuthCode');
    expect(flagValue(deploy!.argv, 'set-secrets')).toBe('GOOGLE_OAUTH_CLIENT_SECRET=oauth-client-secret:latest');
    const dispatcher = run.commands.find((c) => isGcloud(c.argv, 'functions', 'deploy') && c.argv[3] === 'dispatchOfflineWork');
    expect(dispatcher!.argv).toContain('--clear-secrets');
  });

  it('lets --project and --region win over the config file', async () => {
    const run = await deployDryRun(['--config', EXAMPLE_CONFIG, '--project=flag-project-1', '--region', 'asia-east1']);
    const deploys = parseDryRunOutput(run.stdout).filter((c) => isGcloud(c.argv, 'functions', 'deploy'));
    expect(deploys.map((c) => [flagValue(c.argv, 'project'), flagValue(c.argv, 'region')])).toEqual(deploys.map(() => ['flag-project-1', 'asia-east1']));
  });

  it("gives the worker the bench's runtime settings and WORKER_CONCURRENCY, and no other function Node flags", async () => {
    const run = await dryRun('deploy.sh');
    const worker = envVarsOf(run.stdout, 'runOfflineWork');
    expect(Object.keys(workerRuntimeEnv()).sort()).toEqual(['MALLOC_ARENA_MAX', 'MALLOC_MMAP_THRESHOLD_', 'NODE_OPTIONS', 'WORKER_CONCURRENCY']);
    for (const [key, value] of Object.entries(workerRuntimeEnv())) expect([key, worker.get(key)]).toEqual([key, value]);
    expect(worker.get('WORKER_CONCURRENCY')).toBe('32');
    for (const other of ['exchangeAuthCode', 'dispatchOfflineWork', 'disconnect']) {
      const env = envVarsOf(run.stdout, other);
      expect([other, env.has('NODE_OPTIONS'), env.has('MALLOC_ARENA_MAX')]).toEqual([other, false, false]);
    }
    const configured = await deployDryRun(['--config', configWith(['WORKER_CONCURRENCY=48'])]);
    const pairs = flagValue(deployOf(configured.stdout, 'runOfflineWork'), 'set-env-vars')!.split('|');
    expect(pairs.filter((pair) => pair.startsWith('WORKER_CONCURRENCY='))).toEqual(['WORKER_CONCURRENCY=48']);
  });

  it('caps instances as the table says, unless infra/config.env sets WORKER_MAX_INSTANCES or DISPATCHER_MAX_INSTANCES', async () => {
    const defaults = await dryRun('deploy.sh');
    expect(flagValue(deployOf(defaults.stdout, 'runOfflineWork'), 'max-instances')).toBe('10');
    expect(flagValue(deployOf(defaults.stdout, 'dispatchOfflineWork'), 'max-instances')).toBe('10');
    const run = await deployDryRun(['--config', configWith(['WORKER_MAX_INSTANCES=250', 'DISPATCHER_MAX_INSTANCES=12'])]);
    expect(run.code).toBe(0);
    expect(flagValue(deployOf(run.stdout, 'runOfflineWork'), 'max-instances')).toBe('250');
    expect(flagValue(deployOf(run.stdout, 'dispatchOfflineWork'), 'max-instances')).toBe('12');
    expect(flagValue(deployOf(run.stdout, 'exchangeAuthCode'), 'max-instances')).toBe('20');
  });

  it.each([
    ['a max-instances setting that is not a number', ['WORKER_MAX_INSTANCES=lots'], /WORKER_MAX_INSTANCES must be a positive whole number/],
    ['an unknown setting', ['PROJCT_ID=typo-project'], /unknown setting PROJCT_ID/],
    ['a client id that is not a web client id', ['GOOGLE_OAUTH_CLIENT_ID=12345'], /GOOGLE_OAUTH_CLIENT_ID must be/],
    ['a lease shorter than the worker timeout', ['LEASE_SECONDS=300'], /LEASE_SECONDS \(300\) must be longer/],
    ['a value containing the list delimiter', ['ALLOWED_AUDIENCES=a|b'], /must not contain/],
    ['dead-letter attempts out of range', ['MAX_DELIVERY_ATTEMPTS=2'], /MAX_DELIVERY_ATTEMPTS must be 5..100/],
    ['webhook dead-letter attempts out of range', ['WEBHOOK_MAX_DELIVERY_ATTEMPTS=101'], /WEBHOOK_MAX_DELIVERY_ATTEMPTS must be 5..100/],
    ['a notification channel that is not an id or a channel name', ['ALERT_NOTIFICATION_CHANNELS=123,ops@example.com'], /ALERT_NOTIFICATION_CHANNELS must be/],
  ])('stops on %s, naming it', async (_what, lines, message) => {
    const run = await deployDryRun(['--config', configWith(lines)]);
    expect(run.code).not.toBe(0);
    expect(run.stderr).toMatch(message);
    expect(run.stdout).toBe('');
  });

  it('notifies ALERT_NOTIFICATION_CHANNELS (ids or names), each looked up before the first alerting policy', async () => {
    const run = await deployDryRun(['--config', configWith(['ALERT_NOTIFICATION_CHANNELS=123, projects/my-offline-access/notificationChannels/456'])]);
    expect(run.code).toBe(0);
    const commands = parseDryRunOutput(run.stdout);
    const lookups = commands.filter((c) => isGcloud(c.argv, 'alpha', 'monitoring', 'channels', 'describe')).map((c) => c.argv[5]);
    expect(lookups).toEqual(['projects/my-offline-access/notificationChannels/123', 'projects/my-offline-access/notificationChannels/456']);
    const creates = commands.filter((c) => isGcloud(c.argv, 'alpha', 'monitoring', 'policies', 'create'));
    expect(creates).toHaveLength(6);
    for (const c of creates) expect(flagValue(c.argv, 'notification-channels')).toBe('projects/my-offline-access/notificationChannels/123,projects/my-offline-access/notificationChannels/456');
    const defaults = await dryRun('deploy.sh');
    expect(defaults.commands.filter((c) => isGcloud(c.argv, 'alpha', 'monitoring', 'policies', 'create')).every((c) => flagValue(c.argv, 'notification-channels') === undefined)).toBe(true);
  }, 90_000);

  it('rejects an invalid project id and unknown flags', async () => {
    const badProject = await deployDryRun(['--config', EXAMPLE_CONFIG, '--project', 'Not_A_Project']);
    expect([badProject.code, badProject.stderr]).toEqual([1, expect.stringMatching(/not a valid Google Cloud project id/)]);
    const badFlag = await deployDryRun(['--config', EXAMPLE_CONFIG, '--yes']);
    expect([badFlag.code, badFlag.stderr]).toEqual([1, expect.stringMatching(/unknown flag --yes/)]);
  });
});

describe('deploy.sh and lifecycle events', () => {
  const deploys = (stdout: string) => parseDryRunOutput(stdout).filter((c) => isGcloud(c.argv, 'functions', 'deploy')).map((c) => c.argv[3]);
  const created = (stdout: string, ...group: string[]) =>
    parseDryRunOutput(stdout).filter((c) => isGcloud(c.argv, ...group, 'create')).map((c) => c.argv[2 + group.length]);

  it('creates the events topic and passes USER_EVENTS_TOPIC to the functions that emit; no webhook without USER_EVENTS_WEBHOOK_URL', async () => {
    const run = await deployDryRun(['--config', EXAMPLE_CONFIG]);
    expect(run.code).toBe(0);
    expect(created(run.stdout, 'pubsub', 'topics')).toEqual(['offline-work', 'offline-work-dispatch', 'offline-work-dead-letter', 'offline-access-user-events']);
    for (const name of ['exchangeAuthCode', 'dispatchOfflineWork', 'runOfflineWork', 'disconnect', 'riscReceiver']) {
      expect([name, envVarsOf(run.stdout, name).get('USER_EVENTS_TOPIC')]).toEqual([name, 'offline-access-user-events']);
    }
    expect(envVarsOf(run.stdout, 'offlineStatus').has('USER_EVENTS_TOPIC')).toBe(false);
    expect(deploys(run.stdout)).not.toContain('deliverUserEvents');
    expect(created(run.stdout, 'secrets')).toEqual(['oauth-client-secret', 'token-key']);
    expect(created(run.stdout, 'pubsub', 'subscriptions')).toEqual(['offline-work-dead-letter-sub', 'offline-work-dispatch-push']);
  });

  it('USER_EVENTS_TOPIC empty turns events off: no topic, no publisher grant, and the functions are told (an empty value)', async () => {
    const run = await deployDryRun(['--config', configWith(['USER_EVENTS_TOPIC='])]);
    expect(run.code).toBe(0);
    expect(created(run.stdout, 'pubsub', 'topics')).toEqual(['offline-work', 'offline-work-dispatch', 'offline-work-dead-letter']);
    expect(run.stdout).not.toContain('offline-access-user-events');
    expect(envVarsOf(run.stdout, 'exchangeAuthCode').get('USER_EVENTS_TOPIC')).toBe('');
  });

  it('a webhook adds its secret (piped from /dev/urandom), its dead-letter topic, deliverUserEvents and its push subscription', async () => {
    const run = await deployDryRun(['--config', configWith(['USER_EVENTS_WEBHOOK_URL=https://hooks.example.com/offline-access?app=1'])]);
    expect(run.code).toBe(0);
    expect(created(run.stdout, 'secrets')).toEqual(['oauth-client-secret', 'token-key', 'user-events-webhook-secret']);
    const version = parseDryRunOutput(run.stdout).find((c) => isGcloud(c.argv, 'secrets', 'versions', 'add') && c.argv[4] === 'user-events-webhook-secret');
    expect(version?.argv).toContain('--data-file=-');
    expect(version?.line).toMatch(/stdin: whsec_ and the base64 of head -c 32 \/dev\/urandom/);
    expect(deploys(run.stdout)).toContain('deliverUserEvents');
    expect(Object.fromEntries(envVarsOf(run.stdout, 'deliverUserEvents'))).toMatchObject({
      USER_EVENTS_WEBHOOK_URL: 'https://hooks.example.com/offline-access?app=1',
      USER_EVENTS_WEBHOOK_SECRET: 'projects/my-offline-access/secrets/user-events-webhook-secret',
      USER_EVENTS_DEAD_LETTER_TOPIC: 'offline-access-user-events-dead-letter',
    });
    const push = parseDryRunOutput(run.stdout).find((c) => isGcloud(c.argv, 'pubsub', 'subscriptions', 'create') && c.argv[4] === 'offline-access-deliver-user-events');
    expect(push && ['topic', 'ack-deadline', 'min-retry-delay', 'max-retry-delay', 'dead-letter-topic', 'max-delivery-attempts'].map((flag) => flagValue(push.argv, flag))).toEqual([
      'offline-access-user-events', '60', '10s', '600s', 'offline-access-user-events-dead-letter', '20',
    ]);
  });

  it.each([
    ['plain http', 'USER_EVENTS_WEBHOOK_URL=http://hooks.example.com/x', /USER_EVENTS_WEBHOOK_URL must be an https:\/\/ URL/],
    ['credentials in it', 'USER_EVENTS_WEBHOOK_URL=https://user:pw@hooks.example.com/x', /USER_EVENTS_WEBHOOK_URL must be an https:\/\/ URL/],
    ['a fragment', 'USER_EVENTS_WEBHOOK_URL=https://hooks.example.com/x#y', /USER_EVENTS_WEBHOOK_URL must be an https:\/\/ URL/],
    ['an invalid events topic', 'USER_EVENTS_TOPIC=9lives', /USER_EVENTS_TOPIC is not a valid Pub\/Sub topic id/],
  ])('stops on a webhook URL or topic with %s', async (_what, line, message) => {
    const run = await deployDryRun(['--config', configWith([line])]);
    expect([run.code, run.stderr]).toEqual([1, expect.stringMatching(message)]);
  });

  it('stops on a webhook without events', async () => {
    const run = await deployDryRun(['--config', configWith(['USER_EVENTS_TOPIC=', 'USER_EVENTS_WEBHOOK_URL=https://hooks.example.com/x'])]);
    expect([run.code, run.stderr]).toEqual([1, expect.stringMatching(/USER_EVENTS_WEBHOOK_URL needs lifecycle events/)]);
  });
});

describe('deploy.sh without --dry-run and without a Google account', () => {
  it('stops before running any command, and never shows the client secret', async () => {
    const secret = 'GOCSPX-not-a-real-secret-7f3a9c';
    const secretFile = join(workDir, 'client_secret.json');
    writeFileSync(secretFile, JSON.stringify({ web: { client_id: '123456789012-abcdefghijklmnopqrstuvwxyz012345.apps.googleusercontent.com', client_secret: secret } }));
    const config = configWith([`OAUTH_CLIENT_SECRET_FILE=${secretFile}`]);
    const run = await runInfraScript('deploy.sh', ['--config', config], NO_ACCOUNT_ENV());
    expect(run.code).not.toBe(0);
    expect(run.stderr).toMatch(/does not exist|no active account/);
    expect(run.stderr).not.toMatch(/^\+ /m);
    expect(`${run.stdout}${run.stderr}`).not.toContain(secret);
  });
});

describe('the function table', () => {
  it('has a row for every entry file, so no function is left undeployed', async () => {
    const entries = readdirSync(join(REPO_ROOT, 'functions', 'src', 'entries'))
      .filter((file) => file.endsWith('.ts') && file !== 'index.ts')
      .map((file) => file.replace(/\.ts$/, '').replace(/-([a-z0-9])/g, (_m, c: string) => c.toUpperCase()));
    const deployed = deployedFunctions((await dryRun('deploy.sh')).commands).map((f) => f.name);
    expect(deployed).toEqual(expect.arrayContaining(entries));
  });
});
