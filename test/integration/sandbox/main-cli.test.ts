import { type ChildProcess, spawn } from 'node:child_process';
import { join } from 'node:path';

const ROOT = join(__dirname, '..', '..', '..');

// `node --import tsx`, as the npm scripts run it: the tsx CLI's signal relay SIGKILLs a child that
// does not answer within ~30 ms, which a loaded machine can miss (exit 143 instead of 0).

function runMain(args: string[]): { child: ChildProcess; output: () => string; exited: Promise<number | null> } {
  const child = spawn(process.execPath, ['--import', 'tsx', join(ROOT, 'sandbox', 'src', 'main.ts'), ...args], { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  child.stdout?.on('data', (chunk: Buffer) => (output += chunk.toString('utf8')));
  child.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString('utf8')));
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  return { child, output: () => output, exited };
}

async function waitFor(pattern: RegExp, output: () => string, timeoutMs: number): Promise<RegExpExecArray> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const match = pattern.exec(output());
    if (match) return match;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${pattern}; output so far:\n${output()}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

describe('sandbox Google CLI (sandbox/src/main.ts)', () => {
  it('prints its URL without the secret, serves, and exits 0 on SIGTERM', async () => {
    const run = runMain(['--client-id', 'cli-client', '--client-secret', 'cli-secret-value']);
    try {
      const [, url] = await waitFor(/listening on (http:\/\/127\.0\.0\.1:\d+)/, run.output, 20_000);
      const certs = await fetch(`${url}/oauth2/v1/certs`, { signal: AbortSignal.timeout(5_000) });
      expect(certs.status).toBe(200);
      run.child.kill('SIGTERM');
      expect(await run.exited).toBe(0);
      expect(run.output()).not.toContain('cli-secret-value');
    } finally {
      if (run.child.exitCode === null) run.child.kill('SIGKILL');
    }
  });

  it('exits 2 with the usage when the client is missing', async () => {
    const run = runMain(['--port', '0']);
    expect(await run.exited).toBe(2);
    expect(run.output()).toMatch(/--client-id is required[\s\S]*Usage:/);
  });
});
