import { execFileSync } from 'node:child_process';
import { join } from 'node:path';

const root = join(__dirname, '..', '..', '..');

/** Which modules of a package a fresh Node process has loaded after requiring `entry`. */
function loadedAfterRequiring(entry: string, packageName: string): number {
  const script = `require(${JSON.stringify(entry)}); process.stdout.write(String(Object.keys(require.cache).filter((k) => k.includes(${JSON.stringify(`node_modules/${packageName}/`)})).length));`;
  return Number(execFileSync(process.execPath, ['--require', 'tsx/cjs', '-e', script], { cwd: root, encoding: 'utf8', timeout: 20_000 }));
}

/**
 * The Secret Manager client library takes 0.5-1 s to load. Importing the vault, or using a key
 * file, must not pay for it; only the first Secret Manager access does.
 */
describe('module weight', () => {
  it('importing the tokens module does not load the Secret Manager client library', () => {
    expect(loadedAfterRequiring('./functions/src/tokens', '@google-cloud/secret-manager')).toBe(0);
  });

  it('the check can see the library when it is loaded', () => {
    expect(loadedAfterRequiring('./functions/src/tokens/secret-manager-client', '@google-cloud/secret-manager')).toBeGreaterThan(0);
  });
});
