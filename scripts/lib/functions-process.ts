import { join } from 'node:path';
import { portAccepts, waitUntil } from './ports';
import { type ManagedProcess, startProcess } from './processes';
import { REPO_ROOT } from './stack-layout';

const FRAMEWORK_MAIN = join(REPO_ROOT, 'node_modules', '@google-cloud', 'functions-framework', 'build', 'src', 'main.js');

export interface RunningFunction extends ManagedProcess {
  readonly url: string;
}

/**
 * Serves one function exactly as Cloud Run does: functions-framework, `--target`, the package
 * `main` (compiled code in functions/lib), configuration only through the environment.
 * Ready once its port accepts a connection: functions-framework listens only after it has loaded
 * the function. No request is sent, so the function logs nothing for the probe (an HTTP probe is
 * a malformed event to a CloudEvent function, which the framework reports as a TypeError).
 */
export async function startFunction(
  target: string,
  port: number,
  env: NodeJS.ProcessEnv,
  onOutput?: (line: string) => void,
): Promise<RunningFunction> {
  const proc = startProcess(target, process.execPath, [FRAMEWORK_MAIN, `--target=${target}`, `--port=${port}`, `--source=${REPO_ROOT}`], {
    cwd: REPO_ROOT,
    env: { ...env, PORT: String(port) },
    ...(onOutput ? { onOutput } : {}),
  });
  const url = `http://127.0.0.1:${port}/`;
  try {
    await waitUntil(async () => {
      if (proc.child.exitCode !== null) throw new Error(`${target} exited with code ${proc.child.exitCode} before it was ready`);
      return portAccepts('127.0.0.1', port);
    }, `function ${target}`, 30_000);
  } catch (error) {
    await proc.stop();
    throw error;
  }
  return { ...proc, url };
}
