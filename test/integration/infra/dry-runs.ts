import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseDryRunOutput, type PrintedCommand } from '../../../infra/check/dry-run-output';
import { REPO_ROOT, runInfraScript, type ScriptResult } from '../../../infra/check/run-script';

export const EXAMPLE_CONFIG = join(REPO_ROOT, 'infra', 'config.env.example');
export const PROJECT = 'dry-run-proj-42';
export const REGION = 'europe-west1';
/** The dry runs show a whole deployment: the example settings plus a webhook (deliverUserEvents and its secret). */
export const WEBHOOK_URL = 'https://hooks.example.com/offline-access';

export interface DryRun extends ScriptResult {
  commands: PrintedCommand[];
}

/**
 * Runs an infra script with --dry-run and the example settings (plus `settings`), as a user without any Google
 * account would: gcloud gets an empty configuration, so had the script called Google (instead of
 * printing) it would have failed.
 */
export async function dryRun(script: 'deploy.sh' | 'teardown.sh' | 'rotate-key.sh', extraArgs: string[] = [], settings: string[] = [`USER_EVENTS_WEBHOOK_URL=${WEBHOOK_URL}`]): Promise<DryRun> {
  const configDir = mkdtempSync(join(tmpdir(), 'gcloud-none-'));
  const config = join(configDir, 'config.env');
  writeFileSync(config, `${readFileSync(EXAMPLE_CONFIG, 'utf8')}\n${settings.join('\n')}\n`);
  try {
    const result = await runInfraScript(
      script,
      ['--dry-run', '--config', config, '--project', PROJECT, '--region', REGION, ...extraArgs],
      { CLOUDSDK_CONFIG: configDir, CLOUDSDK_CORE_DISABLE_PROMPTS: '1', HOME: configDir },
    );
    if (result.code !== 0) throw new Error(`infra/${script} --dry-run exited ${result.code}:\n${result.stderr}`);
    return { ...result, commands: parseDryRunOutput(result.stdout) };
  } finally {
    rmSync(configDir, { recursive: true, force: true });
  }
}
