import type { SandboxGoogle } from '../../sandbox/src/server';

/** What the bench runner hands every suite. */
export interface BenchContext {
  /** `--quick`: fewer samples and smaller loads, for a smoke run (numbers are indicative only). */
  quick: boolean;
  /** Sandbox Google, in this process, knowing the test OAuth client. */
  sandbox: SandboxGoogle;
  log(line: string): void;
  /** `--cpu-prof=DIR`: where the offline-work suite writes the worker's CPU profile. */
  cpuProfileDir?: string | undefined;
  /** `--configs=a,b`: the dispatcher suite runs only the configurations with these labels. */
  configs?: string[] | undefined;
}
