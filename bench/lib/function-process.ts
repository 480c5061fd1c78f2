import { join } from 'node:path';
import { waitUntil } from '../../scripts/lib/ports';
import { type ManagedProcess, startProcess } from '../../scripts/lib/processes';
import { REPO_ROOT } from '../../scripts/lib/stack-layout';

const FRAMEWORK_MAIN = join(REPO_ROOT, 'node_modules', '@google-cloud', 'functions-framework', 'build', 'src', 'main.js');

export interface FunctionSpec {
  target: string;
  port: number;
  env: NodeJS.ProcessEnv;
  /** Module or folder functions-framework loads; the product package (functions/lib) by default. */
  source?: string;
  /** Node flags before the framework's main, e.g. `--require` of the Firestore op counter. */
  nodeArgs?: readonly string[];
  onOutput?: (line: string) => void;
}

export interface SpawnedFunction {
  readonly proc: ManagedProcess;
  readonly url: string;
  /** performance.now() at the moment of spawning. */
  readonly spawnedAt: number;
}

/**
 * Spawns a function the way scripts/lib/functions-process.ts does (same Node binary, the
 * framework's own main, `--target --port --source`, configuration only through the environment),
 * without waiting for it: cold-start timing starts here.
 */
export function spawnFunction(spec: FunctionSpec): SpawnedFunction {
  const source = spec.source ?? REPO_ROOT;
  const spawnedAt = performance.now();
  const proc = startProcess(
    spec.target,
    process.execPath,
    [...(spec.nodeArgs ?? []), FRAMEWORK_MAIN, `--target=${spec.target}`, `--port=${spec.port}`, `--source=${source}`],
    { cwd: REPO_ROOT, env: { ...spec.env, PORT: String(spec.port) }, ...(spec.onOutput ? { onOutput: spec.onOutput } : {}) },
  );
  return { proc, url: `http://127.0.0.1:${spec.port}/`, spawnedAt };
}

/** Spawns and waits until the function answers any HTTP request (for benches that are not about start-up). */
export async function startServingFunction(spec: FunctionSpec): Promise<SpawnedFunction> {
  const fn = spawnFunction(spec);
  try {
    await waitUntil(async () => {
      if (fn.proc.child.exitCode !== null) throw new Error(`${spec.target} exited with code ${fn.proc.child.exitCode}`);
      const response = await fetch(fn.url, { method: 'OPTIONS', signal: AbortSignal.timeout(1_000) });
      await response.arrayBuffer();
      return true;
    }, `function ${spec.target}`, 30_000);
  } catch (error) {
    await fn.proc.stop();
    throw error;
  }
  return fn;
}
