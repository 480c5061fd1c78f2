import { parseDryRunOutput } from '../../../infra/check/dry-run-output';
import { accountOf, deployedFunctions, extractGrants } from '../../../infra/check/iam-grants';

const OUTPUT = [
  `gcloud projects add-iam-policy-binding p --member=serviceAccount:a@p.iam.gserviceaccount.com --role=roles/datastore.user '--condition=expression=resource.name=="projects/p/databases/(default)",title=db'`,
  'gcloud projects add-iam-policy-binding p --member=serviceAccount:b@p.iam.gserviceaccount.com --role=roles/logging.logWriter --condition=None',
  'gcloud secrets add-iam-policy-binding token-key --member=serviceAccount:a@p.iam.gserviceaccount.com --role=roles/secretmanager.secretAccessor --project=p',
  'gcloud pubsub topics add-iam-policy-binding work --member=serviceAccount:a@p.iam.gserviceaccount.com --role=roles/pubsub.publisher --project=p',
  'gcloud pubsub subscriptions add-iam-policy-binding projects/p/subscriptions/s --member=serviceAccount:agent --role=roles/pubsub.subscriber --project=p',
  'gcloud iam service-accounts add-iam-policy-binding t@p.iam.gserviceaccount.com --member=serviceAccount:agent --role=roles/iam.serviceAccountTokenCreator --project=p',
  'gcloud artifacts repositories add-iam-policy-binding repo --location=r --member=serviceAccount:b@p.iam.gserviceaccount.com --role=roles/artifactregistry.writer --project=p',
  'gcloud functions add-invoker-policy-binding worker --region=r --member=serviceAccount:t@p.iam.gserviceaccount.com --project=p',
  'gcloud functions deploy front --gen2 --runtime=nodejs24 --service-account=a@p.iam.gserviceaccount.com --trigger-http --allow-unauthenticated --ingress-settings=all',
  'gcloud functions deploy worker --gen2 --runtime=nodejs24 --service-account=w@p.iam.gserviceaccount.com --trigger-topic=work --trigger-service-account=t@p.iam.gserviceaccount.com --ingress-settings=internal-only',
  'gcloud secrets create token-key --project=p',
].join('\n');

describe('extractGrants', () => {
  const grants = extractGrants(parseDryRunOutput(OUTPUT));

  it('finds each grant with the resource it is bound on', () => {
    expect(grants.map((g) => [g.scope, g.resource, g.role])).toEqual([
      ['project', 'p', 'roles/datastore.user'],
      ['project', 'p', 'roles/logging.logWriter'],
      ['secret', 'token-key', 'roles/secretmanager.secretAccessor'],
      ['topic', 'work', 'roles/pubsub.publisher'],
      ['subscription', 'projects/p/subscriptions/s', 'roles/pubsub.subscriber'],
      ['service-account', 't@p.iam.gserviceaccount.com', 'roles/iam.serviceAccountTokenCreator'],
      ['repository', 'repo', 'roles/artifactregistry.writer'],
      ['function', 'worker', 'roles/run.invoker'],
      ['function', 'front', 'roles/run.invoker'],
    ]);
  });

  it('keeps a real condition and drops None', () => {
    expect(grants[0]?.condition).toBe('expression=resource.name=="projects/p/databases/(default)",title=db');
    expect(grants[1]?.condition).toBeUndefined();
  });

  it('counts --allow-unauthenticated as an allUsers invoker grant', () => {
    expect(grants.filter((g) => g.member === 'allUsers').map((g) => g.resource)).toEqual(['front']);
  });

  it('refuses a binding it cannot read rather than skipping it', () => {
    expect(() => extractGrants(parseDryRunOutput('gcloud secrets add-iam-policy-binding s --role=roles/x'))).toThrow(/without its/);
  });
});

describe('deployedFunctions', () => {
  it('reads identity, exposure and trigger account of each deploy', () => {
    expect(deployedFunctions(parseDryRunOutput(OUTPUT))).toEqual([
      { name: 'front', serviceAccount: 'a@p.iam.gserviceaccount.com', allowsUnauthenticated: true, ingress: 'all', runtime: 'nodejs24', triggerServiceAccount: undefined },
      {
        name: 'worker',
        serviceAccount: 'w@p.iam.gserviceaccount.com',
        allowsUnauthenticated: false,
        ingress: 'internal-only',
        runtime: 'nodejs24',
        triggerServiceAccount: 't@p.iam.gserviceaccount.com',
      },
    ]);
  });
});

describe('accountOf', () => {
  it('strips the serviceAccount: prefix and ignores other principals', () => {
    expect(accountOf('serviceAccount:a@p.iam.gserviceaccount.com')).toBe('a@p.iam.gserviceaccount.com');
    expect(accountOf('allUsers')).toBeUndefined();
  });
});
