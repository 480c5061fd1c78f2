import { flagValue, hasFlag, isGcloud, type PrintedCommand } from './dry-run-output';

/** Where a role is granted: the resource whose IAM policy the command changes. */
export type GrantScope = 'project' | 'secret' | 'topic' | 'subscription' | 'function' | 'service-account' | 'repository';

export interface Grant {
  scope: GrantScope;
  /** The resource's id as the command names it (project id, secret name, function name, ...). */
  resource: string;
  member: string;
  role: string;
  /** The --condition value, when one other than None was given. */
  condition?: string;
}

/** The IAM-changing gcloud command groups, and the scope each changes. */
const POLICY_COMMANDS: { group: string[]; scope: GrantScope }[] = [
  { group: ['projects', 'add-iam-policy-binding'], scope: 'project' },
  { group: ['secrets', 'add-iam-policy-binding'], scope: 'secret' },
  { group: ['pubsub', 'topics', 'add-iam-policy-binding'], scope: 'topic' },
  { group: ['pubsub', 'subscriptions', 'add-iam-policy-binding'], scope: 'subscription' },
  { group: ['iam', 'service-accounts', 'add-iam-policy-binding'], scope: 'service-account' },
  { group: ['artifacts', 'repositories', 'add-iam-policy-binding'], scope: 'repository' },
  { group: ['run', 'services', 'add-iam-policy-binding'], scope: 'function' },
  { group: ['functions', 'add-iam-policy-binding'], scope: 'function' },
];

const INVOKER = 'roles/run.invoker';

/**
 * Every grant a list of printed commands would make: explicit policy bindings, invoker bindings
 * (`functions add-invoker-policy-binding`), and the allUsers invoker grant that
 * `functions deploy --allow-unauthenticated` makes.
 */
export function extractGrants(commands: readonly PrintedCommand[]): Grant[] {
  const grants: Grant[] = [];
  for (const { argv } of commands) {
    const policy = POLICY_COMMANDS.find(({ group }) => isGcloud(argv, ...group));
    if (policy) {
      grants.push(grant(policy.scope, argv[policy.group.length + 1], argv, flagValue(argv, 'role')));
    } else if (isGcloud(argv, 'functions', 'add-invoker-policy-binding')) {
      grants.push(grant('function', argv[3], argv, INVOKER));
    } else if (isGcloud(argv, 'functions', 'deploy') && hasFlag(argv, 'allow-unauthenticated')) {
      grants.push({ scope: 'function', resource: required(argv[3], argv), member: 'allUsers', role: INVOKER });
    }
  }
  return grants;
}

function grant(scope: GrantScope, resource: string | undefined, argv: readonly string[], role: string | undefined): Grant {
  const condition = flagValue(argv, 'condition');
  return {
    scope,
    resource: required(resource, argv),
    member: required(flagValue(argv, 'member'), argv),
    role: required(role, argv),
    ...(condition !== undefined && condition !== 'None' ? { condition } : {}),
  };
}

function required(value: string | undefined, argv: readonly string[]): string {
  if (value === undefined || value === '' || value.startsWith('--')) {
    throw new Error(`an IAM command without its resource, member or role: ${argv.join(' ')}`);
  }
  return value;
}

/** What a `gcloud functions deploy` line says about the function's identity and exposure. */
export interface DeployedFunction {
  name: string;
  serviceAccount: string | undefined;
  allowsUnauthenticated: boolean;
  ingress: string | undefined;
  runtime: string | undefined;
  triggerServiceAccount: string | undefined;
}

export function deployedFunctions(commands: readonly PrintedCommand[]): DeployedFunction[] {
  return commands
    .filter(({ argv }) => isGcloud(argv, 'functions', 'deploy'))
    .map(({ argv }) => ({
      name: required(argv[3], argv),
      serviceAccount: flagValue(argv, 'service-account'),
      allowsUnauthenticated: hasFlag(argv, 'allow-unauthenticated'),
      ingress: flagValue(argv, 'ingress-settings'),
      runtime: flagValue(argv, 'runtime'),
      triggerServiceAccount: flagValue(argv, 'trigger-service-account'),
    }));
}

/** `serviceAccount:x@p.iam.gserviceaccount.com` -> `x@p.iam.gserviceaccount.com`. */
export function accountOf(member: string): string | undefined {
  return member.startsWith('serviceAccount:') ? member.slice('serviceAccount:'.length) : undefined;
}
