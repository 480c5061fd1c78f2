import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { newKeyFile } from './function-process';

const root = join(__dirname, '..', '..');

/**
 * How many loaded modules match `pattern` in a fresh process half a second after it required a
 * compiled entry (`functions/lib/entries/<entry>`, as functions-framework loads it; `npm run build`
 * first), with a minimal valid configuration plus `extraEnv`.
 */
export function modulesLoadedByEntry(entry: string, pattern: RegExp, extraEnv: Record<string, string> = {}): number {
  const script = `require('./functions/lib/entries/${entry}'); setTimeout(() => process.stdout.write(String(Object.keys(require.cache).filter((k) => ${pattern.toString()}.test(k)).length)), 500);`;
  const env = {
    PATH: process.env.PATH ?? '',
    METADATA_SERVER_DETECTION: 'none',
    GOOGLE_CLOUD_PROJECT: 'entry-modules-test',
    GOOGLE_OAUTH_CLIENT_ID: 'client.apps.googleusercontent.com',
    GOOGLE_OAUTH_CLIENT_SECRET: 'secret',
    TOKEN_KEY_FILE: newKeyFile(),
    OFFLINE_WORK_TOPIC: 'offline-work',
    ...extraEnv,
  };
  return Number(execFileSync(process.execPath, ['-e', script], { cwd: root, env, encoding: 'utf8', timeout: 30_000 }));
}
