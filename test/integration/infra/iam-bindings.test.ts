import { flagValue, isGcloud, type PrintedCommand } from '../../../infra/check/dry-run-output';
import { accountOf, type DeployedFunction, deployedFunctions, extractGrants, type Grant } from '../../../infra/check/iam-grants';
import { dryRun, PROJECT } from './dry-runs';

/**
 * Least privilege, read off what `deploy.sh --dry-run` would execute. The expectations name the
 * functions on purpose: making a function public, or granting a role more widely, has to change
 * this file too.
 */
const PUBLIC_FUNCTIONS = new Set(['exchangeAuthCode', 'disconnect', 'offlineStatus', 'riscReceiver', 'createPhotoPickerSession']);
const FUNCTIONS_NOW = ['exchangeAuthCode', 'dispatchOfflineWork', 'runOfflineWork', 'disconnect', 'offlineStatus', 'riscReceiver', 'rewrapTokens', 'deliverUserEvents', 'createPhotoPickerSession'];
const EVENTS_PUBLISHER = 'topic:offline-access-user-events:roles/pubsub.publisher';

/** The only project-wide grants, each kept as narrow as a condition allows. */
const PROJECT_ROLES: Record<string, RegExp | null> = {
  'roles/datastore.user': new RegExp(`^expression=resource\\.name=="projects/${PROJECT}/databases/\\(default\\)",`),
  'roles/logging.logWriter': null,
  'roles/storage.objectAdmin': /^expression=resource\.name\.startsWith\("projects\/_\/buckets\/gcf-v2-sources-/,
};

describe('IAM granted by deploy.sh', () => {
  let commands: PrintedCommand[];
  let grants: Grant[];
  let functions: DeployedFunction[];

  beforeAll(async () => {
    commands = (await dryRun('deploy.sh')).commands;
    grants = extractGrants(commands);
    functions = deployedFunctions(commands);
  }, 60_000);

  const runtimeAccount = (name: string): string => {
    const account = functions.find((f) => f.name === name)?.serviceAccount;
    if (!account) throw new Error(`${name} is not deployed with its own --service-account`);
    return account;
  };
  /** The account the dispatch topic's push subscription signs as (the dry run's project). */
  const pushAccount = (): string => runtimeAccount('dispatchOfflineWork').replace(/^fn-/, 'push-');

  it('deploys the functions that exist today, gen2 on nodejs24', () => {
    expect(functions.map((f) => f.name)).toEqual(expect.arrayContaining(FUNCTIONS_NOW));
    for (const f of functions) expect([f.name, f.runtime]).toEqual([f.name, 'nodejs24']);
    for (const { argv } of commands.filter((c) => isGcloud(c.argv, 'functions', 'deploy'))) expect(argv).toContain('--gen2');
  });

  it('never grants owner or editor, on anything', () => {
    expect(grants.filter((g) => /^roles\/(owner|editor)$/.test(g.role))).toEqual([]);
  });

  it('grants secretAccessor only on single secrets, never on the project', () => {
    const accessors = grants.filter((g) => g.role === 'roles/secretmanager.secretAccessor');
    expect(accessors.length).toBeGreaterThan(0);
    expect(accessors.filter((g) => g.scope !== 'secret')).toEqual([]);
  });

  it('keeps project-level grants to the listed roles, conditioned where a condition can narrow them', () => {
    const projectGrants = grants.filter((g) => g.scope === 'project');
    expect(projectGrants.length).toBeGreaterThan(0);
    for (const grant of projectGrants) {
      expect(Object.keys(PROJECT_ROLES)).toContain(grant.role);
      const condition = PROJECT_ROLES[grant.role];
      if (condition) expect(grant.condition).toMatch(condition);
      else expect(grant.condition).toBeUndefined();
    }
  });

  it('gives each function an account of its own that nothing else uses', () => {
    const accounts = functions.map((f) => runtimeAccount(f.name));
    expect(new Set(accounts).size).toBe(functions.length);
    const otherRoles = new Set([
      ...functions.map((f) => f.triggerServiceAccount),
      ...commands.map((c) => flagValue(c.argv, 'oidc-service-account-email')),
      ...commands.map((c) => flagValue(c.argv, 'build-service-account')?.split('/').pop()),
      ...commands.map((c) => flagValue(c.argv, 'push-auth-service-account')),
    ]);
    for (const account of accounts) expect(otherRoles.has(account)).toBe(false);
  });

  it('grants each function account only what its row needs', () => {
    const of = (name: string) =>
      grants
        .filter((g) => accountOf(g.member) === runtimeAccount(name))
        .map((g) => `${g.scope}:${g.scope === 'project' ? '' : g.resource}:${g.role}`)
        .sort();
    expect(of('exchangeAuthCode')).toEqual([
      'project::roles/datastore.user',
      'secret:oauth-client-secret:roles/secretmanager.secretAccessor',
      'secret:token-key:roles/secretmanager.secretAccessor',
      EVENTS_PUBLISHER,
    ]);
    expect(of('dispatchOfflineWork')).toEqual([
      'project::roles/datastore.user',
      EVENTS_PUBLISHER,
      'topic:offline-work-dispatch:roles/pubsub.publisher',
      'topic:offline-work:roles/pubsub.publisher',
    ]);
    expect(of('backfillShards')).toEqual(['project::roles/datastore.user']);
    expect(of('runOfflineWork')).toEqual([
      'project::roles/datastore.user',
      'secret:oauth-client-secret:roles/secretmanager.secretAccessor',
      'secret:token-key:roles/secretmanager.secretAccessor',
      EVENTS_PUBLISHER,
    ]);
    // Ending a user's open Photos sessions may need a refreshed access token: the client secret.
    expect(of('disconnect')).toEqual([
      'project::roles/datastore.user',
      'secret:oauth-client-secret:roles/secretmanager.secretAccessor',
      'secret:token-key:roles/secretmanager.secretAccessor',
      EVENTS_PUBLISHER,
    ]);
    expect(of('createPhotoPickerSession')).toEqual([
      'project::roles/datastore.user',
      'secret:oauth-client-secret:roles/secretmanager.secretAccessor',
      'secret:token-key:roles/secretmanager.secretAccessor',
    ]);
    expect(of('offlineStatus')).toEqual(['project::roles/datastore.user']);
    expect(of('riscReceiver')).toEqual(['project::roles/datastore.user', EVENTS_PUBLISHER]);
    expect(of('rewrapTokens')).toEqual(['project::roles/datastore.user', 'secret:token-key:roles/secretmanager.secretAccessor']);
    // The webhook's delivery: its secret and its dead-letter topic; no Firestore, no token key, no events topic.
    expect(of('deliverUserEvents')).toEqual([
      'secret:user-events-webhook-secret:roles/secretmanager.secretAccessor',
      'topic:offline-access-user-events-dead-letter:roles/pubsub.publisher',
    ]);
  });

  it('lets only the functions that change a user\'s state, and the dispatcher that sweeps, publish lifecycle events', () => {
    const publishers = grants.filter((g) => g.scope === 'topic' && g.resource === 'offline-access-user-events').map((g) => [g.role, accountOf(g.member)]);
    expect(publishers.sort()).toEqual(
      ['exchangeAuthCode', 'dispatchOfflineWork', 'runOfflineWork', 'disconnect', 'riscReceiver'].map((name) => ['roles/pubsub.publisher', runtimeAccount(name)]).sort(),
    );
  });

  it('lets only public functions be called without authentication', () => {
    for (const f of functions) {
      expect([f.name, f.allowsUnauthenticated]).toEqual([f.name, PUBLIC_FUNCTIONS.has(f.name)]);
    }
    for (const { argv } of commands.filter((c) => isGcloud(c.argv, 'functions', 'deploy'))) {
      const name = argv[3]!;
      if (!PUBLIC_FUNCTIONS.has(name)) expect(argv).toContain('--no-allow-unauthenticated');
    }
    const everyone = grants.filter((g) => /^all(Authenticated)?Users$/.test(g.member));
    expect(everyone.every((g) => g.scope === 'function' && PUBLIC_FUNCTIONS.has(g.resource))).toBe(true);
  });

  it('lets the scheduler account invoke the dispatcher and nothing else', () => {
    const job = commands.find((c) => isGcloud(c.argv, 'scheduler', 'jobs', 'create', 'http'));
    const schedulerAccount = job && flagValue(job.argv, 'oidc-service-account-email');
    expect(schedulerAccount).toBeDefined();
    expect(grants.filter((g) => accountOf(g.member) === schedulerAccount).map((g) => [g.scope, g.resource, g.role])).toEqual([
      ['function', 'dispatchOfflineWork', 'roles/run.invoker'],
    ]);
    expect(functions.find((f) => f.name === 'dispatchOfflineWork')?.ingress).toBe('internal-only');
  });

  it("lets the Eventarc trigger's account invoke the worker and nothing else", () => {
    const triggerAccount = functions.find((f) => f.name === 'runOfflineWork')?.triggerServiceAccount;
    expect(triggerAccount).toBeDefined();
    expect(grants.filter((g) => accountOf(g.member) === triggerAccount).map((g) => [g.scope, g.resource, g.role])).toEqual([
      ['function', 'runOfflineWork', 'roles/run.invoker'],
    ]);
    // Pub/Sub may mint tokens for the three pushing accounts only (this one, the dispatch topic's and the webhook's), to sign its pushes.
    const agent = 'serviceAccount:service-PROJECT_NUMBER@gcp-sa-pubsub.iam.gserviceaccount.com';
    const webhookPushAccount = `push-deliver-user-events@${PROJECT}.iam.gserviceaccount.com`;
    expect(grants.filter((g) => g.role === 'roles/iam.serviceAccountTokenCreator').map((g) => [g.scope, g.resource, g.member]).sort()).toEqual(
      [
        ['service-account', triggerAccount, agent],
        ['service-account', pushAccount(), agent],
        ['service-account', webhookPushAccount, agent],
      ].sort(),
    );
  });

  it("lets the dispatch topic's push account invoke the dispatcher and nothing else, and pushes signed as it", () => {
    const subscription = commands.find((c) => isGcloud(c.argv, 'pubsub', 'subscriptions', 'create') && flagValue(c.argv, 'topic') === 'offline-work-dispatch');
    expect(subscription).toBeDefined();
    expect(flagValue(subscription!.argv, 'push-auth-service-account')).toBe(pushAccount());
    const dispatcherUrl = flagValue(subscription!.argv, 'push-endpoint');
    expect(flagValue(subscription!.argv, 'push-auth-token-audience')).toBe(dispatcherUrl);
    expect(dispatcherUrl).toMatch(/^https:\/\/dispatchofflinework-/);
    expect(grants.filter((g) => accountOf(g.member) === pushAccount()).map((g) => [g.scope, g.resource, g.role])).toEqual([
      ['function', 'dispatchOfflineWork', 'roles/run.invoker'],
    ]);
  });

  it("lets the webhook's push subscription account invoke deliverUserEvents and nothing else, over internal ingress", () => {
    const create = commands.find((c) => isGcloud(c.argv, 'pubsub', 'subscriptions', 'create') && c.argv[4] === 'offline-access-deliver-user-events');
    expect(create && flagValue(create.argv, 'topic')).toBe('offline-access-user-events');
    const pushAccount = create && flagValue(create.argv, 'push-auth-service-account');
    expect(pushAccount).toBe(`push-deliver-user-events@${PROJECT}.iam.gserviceaccount.com`);
    expect(grants.filter((g) => accountOf(g.member) === pushAccount).map((g) => [g.scope, g.resource, g.role])).toEqual([
      ['function', 'deliverUserEvents', 'roles/run.invoker'],
    ]);
    expect(functions.find((f) => f.name === 'deliverUserEvents')).toMatchObject({ ingress: 'internal-only', allowsUnauthenticated: false });
  });

  it('lets the Pub/Sub service agent publish only to dead-letter topics, and acknowledge only on the two push subscriptions', () => {
    const agent = grants.filter((g) => g.member.includes('gcp-sa-pubsub')).filter((g) => g.role !== 'roles/iam.serviceAccountTokenCreator');
    expect(agent.map((g) => [g.scope, g.resource, g.role]).sort()).toEqual(
      [
        ['topic', 'offline-work-dead-letter', 'roles/pubsub.publisher'],
        ['topic', 'offline-access-user-events-dead-letter', 'roles/pubsub.publisher'],
        ['subscription', 'projects/dry-run-proj-42/subscriptions/SUBSCRIPTION_OF_runOfflineWork', 'roles/pubsub.subscriber'],
        ['subscription', 'offline-access-deliver-user-events', 'roles/pubsub.subscriber'],
      ].sort(),
    );
  });

  it('gives every invoker grant to exactly one function', () => {
    const invokers = grants.filter((g) => g.role === 'roles/run.invoker' && g.member !== 'allUsers');
    const members = invokers.map((g) => g.member);
    expect(new Set(members).size).toBe(members.length);
  });
});
