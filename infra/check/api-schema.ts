import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { exec, locateSdk } from './batch-gcloud';
import { emptyGcloudEnv } from './offline-gcloud';
import { REPO_ROOT } from './run-script';

const DRIVER = join(__dirname, 'api_schema.py');

export type ResourceKind = 'log-metric' | 'alert-policy' | 'dashboard';

export interface SchemaCheck {
  file: string;
  /** Fields the API message does not define (misspelt, misplaced, or an enum value it does not know), or a parse error. */
  errors: string[];
}

/**
 * Checks resource files (paths relative to the repository root) against the API messages of the
 * installed gcloud, as api_schema.py explains: what gcloud itself would send, offline.
 */
export async function checkApiSchemas(files: readonly { kind: ResourceKind; file: string }[]): Promise<SchemaCheck[]> {
  const configDir = mkdtempSync(join(tmpdir(), 'gcloud-schema-'));
  try {
    const env = emptyGcloudEnv(configDir);
    const sdk = await locateSdk(env);
    const stdout = await exec(sdk.python, [DRIVER, sdk.sdkRoot, ...files.map((f) => `${f.kind}=${f.file}`)], env, 120_000, REPO_ROOT);
    return stdout.split('\n').filter((line) => line.trim() !== '').map((line) => JSON.parse(line) as SchemaCheck);
  } finally {
    rmSync(configDir, { recursive: true, force: true });
  }
}
