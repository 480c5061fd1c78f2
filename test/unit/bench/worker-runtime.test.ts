import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { FUNCTIONS_TABLE_FILE, requestTimeoutEnv, workerRuntimeEnv } from '../../../scripts/lib/deploy-settings';

const dir = mkdtempSync(join(tmpdir(), 'worker-runtime-'));
function tableFile(name: string, body: string): string {
  const file = join(dir, name);
  writeFileSync(file, body);
  return file;
}

describe('workerRuntimeEnv', () => {
  it("reads the worker's runtime settings from infra/lib/functions-table.sh, values with spaces and '=' kept whole", () => {
    const env = workerRuntimeEnv();
    expect(Object.keys(env).sort()).toEqual(['MALLOC_ARENA_MAX', 'MALLOC_MMAP_THRESHOLD_', 'NODE_OPTIONS', 'WORKER_CONCURRENCY']);
    for (const [key, value] of Object.entries(env)) expect(readFileSync(FUNCTIONS_TABLE_FILE, 'utf8')).toContain(`'${key}=${value}'`);
  });

  it('follows a change of the deploy settings', () => {
    const file = tableFile('changed.sh', "readonly WORKER_RUNTIME_ENV=(\n  'WORKER_CONCURRENCY=8'\n  'NODE_OPTIONS=--max-old-space-size=96 --x=y'\n)\n");
    expect(workerRuntimeEnv(file)).toEqual({ WORKER_CONCURRENCY: '8', NODE_OPTIONS: '--max-old-space-size=96 --x=y' });
  });

  it('refuses a table without the array, or with an entry that is not KEY=VALUE', () => {
    expect(() => workerRuntimeEnv(tableFile('none.sh', 'readonly OTHER=1\n'))).toThrow(/no WORKER_RUNTIME_ENV/);
    expect(() => workerRuntimeEnv(tableFile('bad.sh', "WORKER_RUNTIME_ENV=(\n  'just-a-flag'\n)\n"))).toThrow(/not KEY=VALUE/);
    expect(() => workerRuntimeEnv(tableFile('empty.sh', 'WORKER_RUNTIME_ENV=(\n)\n'))).toThrow(/empty/);
  });
});

describe('requestTimeoutEnv', () => {
  it("gives an HTTP function its row's timeout, as deploy.sh does, and the worker nothing", () => {
    expect(requestTimeoutEnv('exchangeAuthCode')).toEqual({ REQUEST_TIMEOUT_SECONDS: '60' });
    expect(requestTimeoutEnv('rewrapTokens')).toEqual({ REQUEST_TIMEOUT_SECONDS: '3600' });
    expect(requestTimeoutEnv('runOfflineWork')).toEqual({});
    const file = tableFile('table.sh', "readonly FUNCTION_TABLE='\nexchangeAuthCode http public 512Mi 1 45s 40 20 firestore\n'\n");
    expect(requestTimeoutEnv('exchangeAuthCode', file)).toEqual({ REQUEST_TIMEOUT_SECONDS: '45' });
  });
});
