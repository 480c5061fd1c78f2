import { execFileSync } from 'node:child_process';
import { httpOk, waitUntil } from './ports';
import { type ManagedProcess, startProcess } from './processes';

export interface RunningEmulator extends ManagedProcess {
  /** host:port, the value of FIRESTORE_EMULATOR_HOST / PUBSUB_EMULATOR_HOST. */
  readonly hostPort: string;
}

/** Says exactly what to install when a prerequisite of the emulators is missing. */
export function checkEmulatorPrerequisites(needPubsub: boolean): void {
  const problems: string[] = [];
  if (!commandWorks('gcloud', ['--version'])) {
    problems.push('the Google Cloud CLI (gcloud): https://cloud.google.com/sdk/docs/install');
  } else {
    const components = execFileSync('gcloud', ['--version'], { encoding: 'utf8' });
    if (!/cloud-firestore-emulator/.test(components)) {
      problems.push('the Firestore emulator: gcloud components install cloud-firestore-emulator');
    }
    if (needPubsub && !/pubsub-emulator/.test(components)) {
      problems.push('the Pub/Sub emulator: gcloud components install pubsub-emulator beta');
    }
  }
  if (!commandWorks('java', ['-version'])) problems.push('Java 11 or newer (the emulators run on it), e.g. apt-get install openjdk-17-jre-headless');
  if (problems.length > 0) {
    throw new Error(`Missing prerequisites. Install:\n  - ${problems.join('\n  - ')}`);
  }
}

function commandWorks(command: string, args: string[]): boolean {
  try {
    execFileSync(command, args, { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

export async function startFirestoreEmulator(port: number, onOutput?: (line: string) => void): Promise<RunningEmulator> {
  const hostPort = `127.0.0.1:${port}`;
  const proc = startProcess('firestore-emulator', 'gcloud', ['emulators', 'firestore', 'start', `--host-port=${hostPort}`, '--quiet'], {
    ...(onOutput ? { onOutput } : {}),
  });
  await waitOrStop(proc, () => httpOk(`http://${hostPort}/`), 'Firestore emulator');
  return { ...proc, hostPort };
}

export async function startPubsubEmulator(port: number, projectId: string, onOutput?: (line: string) => void): Promise<RunningEmulator> {
  const hostPort = `127.0.0.1:${port}`;
  const proc = startProcess(
    'pubsub-emulator',
    'gcloud',
    ['beta', 'emulators', 'pubsub', 'start', `--host-port=${hostPort}`, `--project=${projectId}`, '--quiet'],
    { ...(onOutput ? { onOutput } : {}) },
  );
  await waitOrStop(proc, () => httpOk(`http://${hostPort}/`), 'Pub/Sub emulator');
  return { ...proc, hostPort };
}

async function waitOrStop(proc: ManagedProcess, probe: () => Promise<boolean>, what: string): Promise<void> {
  try {
    await waitUntil(async () => {
      if (proc.child.exitCode !== null) throw new Error(`${what} exited with code ${proc.child.exitCode}`);
      return probe();
    }, what, 90_000);
  } catch (error) {
    await proc.stop();
    throw error;
  }
}

/** Deletes every document of one project in the Firestore emulator. */
export async function clearFirestore(hostPort: string, projectId: string): Promise<void> {
  const response = await fetch(`http://${hostPort}/emulator/v1/projects/${projectId}/databases/(default)/documents`, {
    method: 'DELETE',
  });
  if (!response.ok) throw new Error(`Clearing the Firestore emulator failed: HTTP ${response.status}`);
}
