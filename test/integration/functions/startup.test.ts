import { spawnSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { REPO_ROOT } from '../../../scripts/lib/stack-layout';
import { newKeyFile, newTestProjectId } from '../../support/function-process';

const FRAMEWORK_MAIN = join(REPO_ROOT, 'node_modules', '@google-cloud', 'functions-framework', 'build', 'src', 'main.js');

const validEnv = (): NodeJS.ProcessEnv => ({
  PATH: process.env.PATH,
  METADATA_SERVER_DETECTION: 'none',
  FIRESTORE_EMULATOR_HOST: process.env.FIRESTORE_EMULATOR_HOST,
  GOOGLE_CLOUD_PROJECT: newTestProjectId('startup'),
  GOOGLE_OAUTH_CLIENT_ID: 'client.apps.googleusercontent.com',
  GOOGLE_OAUTH_CLIENT_SECRET: 'startup-secret',
  TOKEN_KEY_FILE: newKeyFile(),
});

/** Starts functions-framework on a port that is never reached: a bad configuration must stop it first. */
function startWith(env: NodeJS.ProcessEnv): { status: number | null; output: string } {
  const result = spawnSync(process.execPath, [FRAMEWORK_MAIN, '--target=exchangeAuthCode', '--port=0', `--source=${REPO_ROOT}`], {
    cwd: REPO_ROOT,
    env,
    encoding: 'utf8',
    timeout: 15_000,
  });
  return { status: result.status, output: `${result.stdout}${result.stderr}` };
}

describe('function start-up', () => {
  it('refuses to start without a client id, naming the variable', () => {
    const env = validEnv();
    delete env.GOOGLE_OAUTH_CLIENT_ID;
    const result = startWith(env);
    expect(result.status).not.toBe(0);
    expect(result.output).toMatch(/GOOGLE_OAUTH_CLIENT_ID is required/);
  });

  it('refuses to start without any token key: plaintext is never a fallback', () => {
    const env = validEnv();
    delete env.TOKEN_KEY_FILE;
    const result = startWith(env);
    expect(result.status).not.toBe(0);
    expect(result.output).toMatch(/TOKEN_KEY_SECRET or TOKEN_KEY_FILE is required/);
  });

  it('refuses a key that is not 32 bytes, without printing it', () => {
    const env = validEnv();
    const keyFile = `${env.TOKEN_KEY_FILE}-short`;
    const shortKey = Buffer.alloc(16, 7).toString('base64');
    writeFileSync(keyFile, `${shortKey}\n`);
    const result = startWith({ ...env, TOKEN_KEY_FILE: keyFile });
    expect(result.status).not.toBe(0);
    expect(result.output).toMatch(/TOKEN_KEY_FILE/);
    expect(result.output).not.toContain(shortKey);
  });

  it('never prints the client secret when start-up fails', () => {
    const env = validEnv();
    delete env.GOOGLE_CLOUD_PROJECT;
    const result = startWith(env);
    expect(result.output).toMatch(/GOOGLE_CLOUD_PROJECT is required/);
    expect(result.output).not.toContain('startup-secret');
  });
});

describe('what each function loads', () => {
  it('the exchange never loads Drive, image or Pub/Sub code', () => {
    const probe = `
      require('./functions/lib/entries/exchange-auth-code');
      const loaded = Object.keys(require.cache);
      const heavy = loaded.filter((p) => /node_modules[\\\\/](@googleapis[\\\\/]drive|googleapis-common|sharp|@img|@google-cloud[\\\\/]pubsub)[\\\\/]/.test(p));
      console.log(JSON.stringify({ count: loaded.length, heavy }));
    `;
    const result = spawnSync(process.execPath, ['-e', probe], { cwd: REPO_ROOT, env: validEnv(), encoding: 'utf8', timeout: 15_000 });
    expect(result.status).toBe(0);
    const report = JSON.parse(result.stdout.trim().split('\n').pop()!) as { count: number; heavy: string[] };
    expect(report.count).toBeGreaterThan(10);
    expect(report.heavy).toEqual([]);
  });
});
