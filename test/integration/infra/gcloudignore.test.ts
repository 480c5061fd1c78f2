import { execFile } from 'node:child_process';
import { copyFileSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { REPO_ROOT } from '../../../infra/check/run-script';

/**
 * .gcloudignore decides what `gcloud functions deploy --source=.` uploads. gcloud itself lists
 * the files it would upload (offline), here for a tree shaped like this repository, with the
 * local secrets a developer has lying around.
 */
const TREE = [
  'package.json',
  'package-lock.json',
  'functions/lib/index.js',
  'functions/lib/entries/exchange-auth-code.js',
  'functions/lib/index.js.map',
  'functions/src/index.ts',
  'functions/tsconfig.json',
  'node_modules/zod/index.js',
  'test/unit/a.test.ts',
  'sandbox/src/main.ts',
  'scripts/start.ts',
  'infra/deploy.sh',
  'infra/config.env',
  'client_secret.json',
  'client_secret_123.apps.googleusercontent.com.json',
  '.local/token-key.bin',
  '.env',
  'README.md',
  'firestore.rules',
];

function listFilesForUpload(dir: string): Promise<string[]> {
  const config = join(dir, '..', 'gcloud-config');
  mkdirSync(config, { recursive: true });
  return new Promise((resolve, reject) => {
    execFile(
      'gcloud',
      ['meta', 'list-files-for-upload', dir],
      { env: { PATH: process.env.PATH, CLOUDSDK_CONFIG: config, HOME: config, CLOUDSDK_CORE_DISABLE_PROMPTS: '1' }, timeout: 30_000, encoding: 'utf8' },
      (error, stdout, stderr) => (error ? reject(new Error(`${error.message}\n${stderr}`)) : resolve(stdout.split('\n').filter(Boolean).sort())),
    );
  });
}

describe('.gcloudignore', () => {
  let root: string;
  beforeAll(() => {
    root = mkdtempSync(join(tmpdir(), 'gcloudignore-'));
    const tree = join(root, 'repo');
    for (const file of TREE) {
      mkdirSync(dirname(join(tree, file)), { recursive: true });
      writeFileSync(join(tree, file), 'x');
    }
    copyFileSync(join(REPO_ROOT, '.gcloudignore'), join(tree, '.gcloudignore'));
  });
  afterAll(() => rmSync(root, { recursive: true, force: true }));

  it('uploads the compiled functions and the npm manifest, nothing else', async () => {
    expect(await listFilesForUpload(join(root, 'repo'))).toEqual([
      'functions/lib/entries/exchange-auth-code.js',
      'functions/lib/index.js',
      'package-lock.json',
      'package.json',
    ]);
  });
});
