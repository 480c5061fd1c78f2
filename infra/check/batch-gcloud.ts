import { execFile } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { classifyGcloudOutput } from './gcloud-verdict';
import { emptyGcloudEnv, type GcloudCheck } from './offline-gcloud';
import { REPO_ROOT } from './run-script';

const DRIVER = join(__dirname, 'gcloud_batch.py');

interface SdkLocation {
  python: string;
  sdkRoot: string;
}

/**
 * Checks many commands with the installed gcloud in one Python process (see gcloud_batch.py):
 * the same parser and messages as `gcloud`, without paying its start-up for every command. Like
 * offlineGcloud, it runs with an empty configuration of its own, so nothing reaches Google.
 */
export async function checkWithGcloudBatch(commands: readonly (readonly string[])[], timeoutMs = 120_000): Promise<GcloudCheck[]> {
  for (const argv of commands) {
    if (argv[0] !== 'gcloud') throw new Error(`not a gcloud command: ${argv.join(' ')}`);
  }
  const workDir = mkdtempSync(join(tmpdir(), 'gcloud-batch-'));
  try {
    const configDir = join(workDir, 'config');
    mkdirSync(configDir);
    const env = emptyGcloudEnv(configDir);
    const sdk = await locateSdk(env);
    const commandsFile = join(workDir, 'commands.jsonl');
    writeFileSync(commandsFile, commands.map((argv) => JSON.stringify(argv.slice(1))).join('\n'));
    // From the repository root, like the scripts: printed commands use paths relative to it.
    const stdout = await exec(sdk.python, [DRIVER, sdk.sdkRoot, commandsFile], env, timeoutMs, REPO_ROOT);
    const results = stdout.split('\n').filter((line) => line.trim() !== '').map((line) => JSON.parse(line) as { output: string });
    if (results.length !== commands.length) {
      throw new Error(`gcloud_batch.py answered ${results.length} of ${commands.length} commands`);
    }
    return results.map((result, i) => ({ argv: [...commands[i]!], verdict: classifyGcloudOutput(result.output), output: result.output }));
  } finally {
    rmSync(workDir, { recursive: true, force: true });
  }
}


/** The interpreter and SDK root the installed `gcloud` uses, as it reports them. */
export async function locateSdk(env: NodeJS.ProcessEnv): Promise<SdkLocation> {
  const info = JSON.parse(
    await exec('gcloud', ['info', '--format=json(basic.python_location,installation.sdk_root)'], env, 30_000),
  ) as { basic?: { python_location?: string }; installation?: { sdk_root?: string } };
  const python = info.basic?.python_location;
  const sdkRoot = info.installation?.sdk_root;
  if (!python || !sdkRoot) throw new Error('gcloud info did not say where its Python and SDK are');
  return { python, sdkRoot };
}

export function exec(command: string, args: string[], env: NodeJS.ProcessEnv, timeout: number, cwd?: string): Promise<string> {
  return new Promise((resolve, reject) => {
    execFile(command, args, { env, timeout, cwd, encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 }, (error, stdout, stderr) => {
      if (error) reject(new Error(`${command} ${args.join(' ')} failed: ${error.message}\n${stderr}`));
      else resolve(stdout);
    });
  });
}
