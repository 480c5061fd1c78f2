import { newKeyFile, newTestProjectId, sandboxEnv } from '../../test/support/function-process';
import type { SandboxGoogle } from '../../sandbox/src/server';

export interface FunctionEnv {
  env: NodeJS.ProcessEnv;
  projectId: string;
  keyFile: string;
}

/**
 * The production variables, pointed at the in-process sandbox Google and the emulators, as the
 * integration tests give them (test/support/function-process.ts), plus NODE_ENV=production
 * (what Cloud Run sets) so the framework runs as it does when deployed.
 */
export function benchFunctionEnv(sandbox: SandboxGoogle, label: string, extra: NodeJS.ProcessEnv = {}): FunctionEnv {
  const projectId = newTestProjectId(label);
  const keyFile = newKeyFile();
  return { env: { ...sandboxEnv(sandbox, projectId, keyFile), NODE_ENV: 'production', ...extra }, projectId, keyFile };
}
