import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { newKeyFile } from '../../support/function-process';

const root = join(__dirname, '..', '..', '..');

/**
 * Whether a fresh process has loaded the App Check verifier (the module that imports `jose`) once
 * the compiled exchange entry is ready, as functions-framework loads it (`npm run build` first).
 */
function verifierModulesLoaded(extraEnv: Record<string, string>): number {
  const script = `require('./functions/lib/entries/exchange-auth-code'); setTimeout(() => process.stdout.write(String(Object.keys(require.cache).filter((k) => /app-check-verifier|node_modules\\/jose\\//.test(k)).length)), 500);`;
  const env = {
    PATH: process.env.PATH ?? '',
    METADATA_SERVER_DETECTION: 'none',
    GOOGLE_CLOUD_PROJECT: 'lazy-load-test',
    GOOGLE_OAUTH_CLIENT_ID: 'client.apps.googleusercontent.com',
    GOOGLE_OAUTH_CLIENT_SECRET: 'secret',
    TOKEN_KEY_FILE: newKeyFile(),
    ...extraEnv,
  };
  return Number(execFileSync(process.execPath, ['-e', script], { cwd: root, env, encoding: 'utf8', timeout: 30_000 }));
}

/** App Check is optional: an exchange without it must not pay for loading the JWT library. */
describe('App Check stays off the cold path', () => {
  it('the exchange does not load jose when App Check is off', () => {
    expect(verifierModulesLoaded({})).toBe(0);
  });

  it('and loads it at start when App Check is on (the check can see it)', () => {
    // The key-set URL is unreachable on purpose: the prefetch fails quietly, requests would retry it.
    expect(verifierModulesLoaded({ REQUIRE_APP_CHECK: 'true', APP_CHECK_PROJECT_NUMBER: '1', APP_CHECK_JWKS_URL: 'http://127.0.0.1:9/v1/jwks' })).toBeGreaterThan(0);
  });
});
