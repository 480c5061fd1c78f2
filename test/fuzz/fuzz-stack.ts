import { Firestore } from '@google-cloud/firestore';
import type { SandboxGoogle } from '../../sandbox/src/server';
import { type FunctionUnderTest, startFunctionUnderTest } from '../support/function-process';
import { startTestSandbox } from '../support/sandbox';
import type { FuzzTarget } from './fuzz-targets';

export interface RunningTarget {
  target: FuzzTarget;
  fn: FunctionUnderTest;
  /** The function's own, otherwise empty, Firestore project. */
  db: Firestore;
}

export interface FuzzStack {
  sandbox: SandboxGoogle;
  running: RunningTarget[];
  close(): Promise<void>;
}

/**
 * The sandbox Google and one real function process per target, each with a Firestore project of its
 * own (on the emulator FIRESTORE_EMULATOR_HOST names), cold: the first request an instance sees may be malformed.
 */
export async function startFuzzStack(targets: readonly FuzzTarget[]): Promise<FuzzStack> {
  const sandbox = await startTestSandbox();
  const started = await Promise.allSettled(
    targets.map(async (target): Promise<RunningTarget> => {
      const fn = await startFunctionUnderTest(target.functionName, sandbox, target.env(sandbox));
      return { target, fn, db: new Firestore({ projectId: fn.projectId }) };
    }),
  );
  const running = started.flatMap((result) => (result.status === 'fulfilled' ? [result.value] : []));
  const close = async () => {
    await Promise.all(running.map(async ({ fn, db }) => Promise.all([fn.stop(), db.terminate()])));
    await sandbox.close();
  };
  const failed = started.find((result) => result.status === 'rejected');
  if (failed) {
    await close();
    throw failed.reason;
  }
  return { sandbox, running, close };
}
