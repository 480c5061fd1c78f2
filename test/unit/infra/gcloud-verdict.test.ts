import { classifyGcloudOutput } from '../../../infra/check/gcloud-verdict';

// Verbatim first lines of gcloud 528's answers with an empty CLOUDSDK_CONFIG.
const NO_ACCOUNT = `ERROR: (gcloud.functions.deploy) You do not currently have an active account selected.
Please run:

  $ gcloud auth login`;

describe('classifyGcloudOutput', () => {
  it('reads "no active account" as: the arguments were accepted', () => {
    expect(classifyGcloudOutput(NO_ACCOUNT)).toBe('arguments-accepted');
  });

  it.each([
    'ERROR: (gcloud.functions.deploy) unrecognized arguments: --labels=app=x (did you mean \'--clear-labels\'?)',
    'ERROR: (gcloud.scheduler.jobs.create.http) argument --uri: Bad value [DISPATCH_URL]: Must be a valid HTTP or HTTPS URL.',
    'ERROR: (gcloud.firestore.databases.create) argument --type: Invalid choice: \'bogus\'.',
    'ERROR: (gcloud.secrets.versions.add) argument --data-file: Must be specified.\nUsage: gcloud secrets versions add SECRET --data-file=PATH [optional flags]',
    'ERROR: (gcloud.functions.deploy) argument --trigger-topic: Invalid value \'t\': Topic must contain only Latin letters',
    'ERROR: (gcloud.pubsub.subscriptions.update) argument --max-delivery-attempts: Value must be less than or equal to 100; received: 500',
    "ERROR: (gcloud.functions) Invalid choice: 'deplo'.\nMaybe you meant:",
  ])('reads a usage error as rejected arguments: %s', (output) => {
    expect(classifyGcloudOutput(output)).toBe('arguments-rejected');
  });

  it('does not take anything else for acceptance', () => {
    expect(classifyGcloudOutput('')).toBe('unexpected');
    expect(classifyGcloudOutput('bash: gcloud: command not found')).toBe('unexpected');
    expect(classifyGcloudOutput('ERROR: (gcloud.functions.deploy) There was a problem refreshing your current auth tokens')).toBe('unexpected');
  });
});
