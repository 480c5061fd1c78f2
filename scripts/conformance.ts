/**
 * `npm run conformance`: Google's own client libraries, unchanged apart from their URLs, against
 * the sandbox Google. Node: google-auth-library and @googleapis/drive (test/conformance/node-checks.ts).
 * Python: oauth2client (Google's server-side sample), google-auth and google-api-python-client with
 * its bundled Drive v3 discovery document (test/conformance/python/), in a virtual environment of
 * pinned packages built under .local/conformance-venv on first use.
 * Prints one PASS/FAIL line per check and a summary; exits 1 if any check failed.
 */
import { randomBytes } from 'node:crypto';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { startSandboxGoogle, type SandboxGoogle } from '../sandbox/src/server';
import { CheckReport } from '../test/conformance/check-report';
import { type ConformanceClient, runNodeChecks } from '../test/conformance/node-checks';
import { ensurePythonVenv } from './lib/python-venv';
import { runCommand } from './lib/run-command';
import { REPO_ROOT } from './lib/stack-layout';

const CONFORMANCE_DIR = join(REPO_ROOT, 'test', 'conformance');
const LOCAL_DIR = join(REPO_ROOT, '.local');
const PYTHON_TIMEOUT_MS = 300_000;

async function main(): Promise<number> {
  const started = performance.now();
  mkdirSync(LOCAL_DIR, { recursive: true });
  const venv = await ensurePythonVenv({
    dir: join(LOCAL_DIR, 'conformance-venv'),
    requirementsFile: join(CONFORMANCE_DIR, 'requirements.txt'),
    logFile: join(LOCAL_DIR, 'conformance-pip.log'),
  });
  console.log(`Python environment ${venv.reused ? 'reused' : 'installed'}: .local/conformance-venv (${secondsSince(started)} s)`);

  // A client of this run only, with a fresh secret: nothing else knows it.
  const client = { clientId: 'conformance.apps.googleusercontent.com', clientSecret: randomBytes(24).toString('base64url'), redirectUris: [] };
  const sandbox = await startSandboxGoogle({ clients: [client] });
  const report = new CheckReport();
  const checksStarted = performance.now();
  try {
    await runNodeChecks(sandbox, client, report);
    await runPythonChecks(venv.python, sandbox, client, report);
  } finally {
    await sandbox.close();
  }

  const timing = `checks ${secondsSince(checksStarted)} s, total ${secondsSince(started)} s`;
  if (report.failures.length === 0) {
    console.log(`\nconformance: all ${report.total} checks passed (${timing})`);
    return 0;
  }
  console.log(`\nconformance: ${report.failures.length} of ${report.total} checks failed (${timing}):`);
  for (const failure of report.failures) console.log(`  ${failure}`);
  return 1;
}

async function runPythonChecks(python: string, sandbox: SandboxGoogle, client: ConformanceClient, report: CheckReport): Promise<void> {
  const failuresBefore = report.failures.length;
  const result = await runCommand(python, ['conformance.py'], {
    cwd: join(CONFORMANCE_DIR, 'python'),
    env: {
      ...process.env,
      SANDBOX_URL: sandbox.url,
      SANDBOX_CLIENT_ID: client.clientId,
      SANDBOX_CLIENT_SECRET: client.clientSecret,
      PYTHONUNBUFFERED: '1',
      PYTHONDONTWRITEBYTECODE: '1',
      // google-api-core warns about its own support calendar for the Python version.
      PYTHONWARNINGS: 'ignore::FutureWarning',
    },
    timeoutMs: PYTHON_TIMEOUT_MS,
    onLine: (line) => report.line(line),
  });
  // A crash before or between checks must not pass for a clean run.
  if (result.code !== 0 && report.failures.length === failuresBefore) {
    report.line(`FAIL  python > the program itself: ${result.timedOut ? 'timed out' : `exited with ${result.code ?? 'a signal'}`}`);
  }
}

function secondsSince(start: number): string {
  return ((performance.now() - start) / 1000).toFixed(1);
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    console.error(`conformance: ${error instanceof Error ? error.message : String(error)}`);
    process.exit(1);
  },
);
