import { flagValue, gcloudCommands, hasFlag, isGcloud, parseDryRunOutput } from '../../../infra/check/dry-run-output';

const OUTPUT = `# 1. Enable APIs
gcloud services enable run.googleapis.com --project=p

gcloud projects describe p '--format=value(projectNumber)'
  # an indented comment
npm run build
gcloud secrets versions add k --data-file=- --project=p  # stdin: 32 random bytes
`;

describe('parseDryRunOutput', () => {
  it('keeps every command line, in order, and drops comments and blank lines', () => {
    expect(parseDryRunOutput(OUTPUT).map((c) => c.argv)).toEqual([
      ['gcloud', 'services', 'enable', 'run.googleapis.com', '--project=p'],
      ['gcloud', 'projects', 'describe', 'p', '--format=value(projectNumber)'],
      ['npm', 'run', 'build'],
      ['gcloud', 'secrets', 'versions', 'add', 'k', '--data-file=-', '--project=p'],
    ]);
  });

  it('selects the gcloud commands', () => {
    expect(gcloudCommands(parseDryRunOutput(OUTPUT))).toHaveLength(3);
  });
});

describe('flag helpers', () => {
  const argv = ['gcloud', 'functions', 'deploy', 'f', '--region=r', '--retry', '--set-build-env-vars=GOOGLE_NODE_RUN_SCRIPTS=', '--member', 'user:a'];

  it('reads --name=value and --name value, and an empty value', () => {
    expect(flagValue(argv, 'region')).toBe('r');
    expect(flagValue(argv, 'member')).toBe('user:a');
    expect(flagValue(argv, 'set-build-env-vars')).toBe('GOOGLE_NODE_RUN_SCRIPTS=');
    expect(flagValue(argv, 'retry')).toBe('');
    expect(flagValue(argv, 'project')).toBeUndefined();
  });

  it('does not mistake a longer flag for a shorter one', () => {
    expect(hasFlag(['gcloud', 'x', '--allow-unauthenticated'], 'allow-unauthenticated')).toBe(true);
    expect(hasFlag(['gcloud', 'x', '--no-allow-unauthenticated'], 'allow-unauthenticated')).toBe(false);
    expect(flagValue(['gcloud', '--regions=a'], 'region')).toBeUndefined();
  });

  it('matches command groups from the start', () => {
    expect(isGcloud(argv, 'functions', 'deploy')).toBe(true);
    expect(isGcloud(argv, 'deploy')).toBe(false);
    expect(isGcloud(['npm', 'functions'], 'functions')).toBe(false);
  });
});
