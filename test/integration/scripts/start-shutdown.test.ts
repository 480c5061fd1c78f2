import { type ChildProcess, spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { assertPortsFree } from '../../../scripts/lib/ports';
import { servedFunctions } from '../../../scripts/lib/local-stack';
import { functionUrl, readStackLayout, REPO_ROOT, stackPorts, type StackLayout } from '../../../scripts/lib/stack-layout';
import { type ProcessInfo, ProcessRecord, liveProcesses } from '../../support/process-tree';

/**
 * `npm start 2>&1 | tee start.log`, then Ctrl-C: the terminal signals its whole foreground group
 * (npm, the stack's node, tee), tee dies first, and the stack's stdout becomes a broken pipe. The
 * emulators and functions run in process groups of their own, which no terminal signal reaches:
 * whatever stops `npm start`, the stack must stop them before it exits.
 *
 * The real `npm start` script runs, minus its `npm run build` (`npm test` has built already, and a
 * rebuild would rewrite functions/lib under the other test files), through `npm exec -c`, which
 * runs a command as `npm run` runs a script (same shell, PATH and signal forwarding), on a free
 * LOCAL_PORT_OFFSET. Every process seen under it is recorded from /proc while it runs.
 */
const START_SCRIPT = (JSON.parse(readFileSync(join(REPO_ROOT, 'package.json'), 'utf8')) as { scripts: Record<string, string> }).scripts.start ?? '';
const BUILD_FIRST = 'npm run build && ';
const READY_MS = 120_000; // above the stack's own 90 s emulator wait, so its error shows first
const EXIT_MS = 30_000;

async function freePortOffset(): Promise<{ offset: number; layout: StackLayout }> {
  for (let attempt = 0; attempt < 20; attempt++) {
    // Below the ephemeral range (32768 and up), where the OS hands out ports to the other tests.
    const offset = 10_000 + Math.floor(Math.random() * 14_000);
    const layout = readStackLayout(undefined, { LOCAL_PORT_OFFSET: String(offset) });
    try {
      await assertPortsFree(layout.host, stackPorts(layout));
      return { offset, layout };
    } catch {
      // taken: try another offset
    }
  }
  throw new Error('no free port offset for the stack');
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms).unref());

async function until(what: string, timeoutMs: number, probe: () => boolean | Promise<boolean>, state = () => ''): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await probe())) {
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}\n${state()}`);
    await sleep(100);
  }
}

/** Sends a signal; a target that is already gone is what the survivors check is about. */
function signal(target: number, name: NodeJS.Signals): void {
  try {
    process.kill(target, name);
  } catch {
    // gone already
  }
}

const isAlive = (pid: number) => liveProcesses().some((info) => info.pid === pid);
const describeProcess = (info: ProcessInfo) => `${info.pid} (group ${info.pgid}) ${info.command.slice(0, 120)}`;

interface Scenario {
  /** What reads the stack's output: `head -c 1` exits at once, sed (like tee on Ctrl-C) once the stack is up. */
  reader: 'head -c 1' | "sed -u '/Press Ctrl-C to stop everything/q'";
  /** Signal once the whole stack is up, or half-way through starting (emulators up, functions starting). */
  when: 'up' | 'starting';
  signal: NodeJS.Signals;
  /** The whole group, as a terminal does, or npm alone, as `kill <pid>` does. */
  to: 'group' | 'npm';
  times: number;
  /** npm forwards SIGINT and SIGTERM and waits for the stack; on SIGHUP it dies at once. */
  npmWaits: boolean;
}

const TEE = "sed -u '/Press Ctrl-C to stop everything/q'" as const;
const isEmulator = (info: ProcessInfo) => /^java .*emulator/.test(info.command);
const isFunction = (info: ProcessInfo) => info.command.includes('functions-framework') && info.command.includes('--target=');

async function stopStartedStack(scenario: Scenario): Promise<void> {
  const [build, ...rest] = START_SCRIPT.split(/(?<=&& )/);
  expect(build).toBe(BUILD_FIRST);
  const { offset, layout } = await freePortOffset();
  const env: NodeJS.ProcessEnv = { ...process.env, LOCAL_PORT_OFFSET: String(offset), STACK_COMMAND: rest.join('') };
  delete env.FIRESTORE_EMULATOR_HOST; // the suite's emulators: the stack starts its own
  delete env.PUBSUB_EMULATOR_HOST;
  delete env.USER_EVENTS_WEBHOOK_URL; // no webhook: the stack serves every function but its delivery
  // `npm start 2>&1 | tee`, in a process group and session of its own like a terminal's foreground job.
  const shell: ChildProcess = spawn('sh', ['-c', `npm exec -c "$STACK_COMMAND" 2>&1 | ${scenario.reader}`], {
    cwd: REPO_ROOT,
    env,
    detached: true,
    stdio: ['ignore', 'pipe', 'ignore'],
  });
  const shellExited = new Promise<void>((resolve) => shell.once('exit', () => resolve()));
  let output = '';
  shell.stdout!.on('data', (chunk: Buffer) => (output += chunk.toString('utf8')));
  const record = new ProcessRecord(shell.pid!);
  const find = (pattern: RegExp): ProcessInfo | undefined => record.look().filter((info) => pattern.test(info.command)).at(-1);
  // The topmost process running scripts/start.ts: a child it forks shows the same command line
  // until it execs (gcloud, say), and must not be taken for it.
  const findOwner = (): ProcessInfo | undefined => {
    const starts = record.look().filter((info) => /scripts\/start\.ts/.test(info.command));
    return starts.find((info) => !starts.some((parent) => parent.pid === info.ppid));
  };
  const state = () => `processes:\n${record.look().map(describeProcess).join('\n')}\noutput:\n${output}`;
  try {
    await until(scenario.when === 'up' ? 'the stack to be up, its output reader gone' : 'a function to be starting', READY_MS, async () => {
      const owner = findOwner();
      if (shell.exitCode !== null || (owner && !isAlive(owner.pid))) {
        throw new Error(`npm start ended before the stack was up, leaving:\n${record.survivors().map(describeProcess).join('\n')}\n${state()}`);
      }
      if (scenario.when === 'starting') return record.look().some(isFunction);
      const reader = find(/^(head|sed) /);
      if (!reader || isAlive(reader.pid)) return false;
      // Every function it serves answers (they start one after another; the last is not always the same one).
      const answers = servedFunctions(undefined).map((name) =>
        fetch(functionUrl(layout, name), { method: 'OPTIONS', signal: AbortSignal.timeout(1_000) }).then(
          () => true,
          () => false,
        ),
      );
      return (await Promise.all(answers)).every(Boolean);
    }, state);
    const started = record.look();
    if (scenario.when === 'up') {
      expect(started.filter(isEmulator)).toHaveLength(2);
      expect(started.filter(isFunction)).toHaveLength(servedFunctions(undefined).length);
    }
    const npm = find(/^npm exec/)!;
    const owner = findOwner()!;

    for (let i = 0; i < scenario.times; i++) {
      signal(scenario.to === 'group' ? -shell.pid! : npm.pid, scenario.signal);
      await sleep(300);
    }
    // npm's exit is the moment to check when it waits for the stack; else the stack's node.
    await until('npm start to exit', EXIT_MS, () => !isAlive(scenario.npmWaits ? npm.pid : owner.pid), state);
    await Promise.race([shellExited, sleep(5_000)]);
    expect(record.survivors().map(describeProcess)).toEqual([]);
  } finally {
    record.look();
    record.killSurvivors();
  }
}

describe('npm start stops everything it started', () => {
  it('on Ctrl-C, pressed twice, after tee died (SIGINT to the whole group, stdout a broken pipe)', async () => {
    await stopStartedStack({ reader: TEE, when: 'up', signal: 'SIGINT', to: 'group', times: 2, npmWaits: true });
  }, 180_000);

  it('on `kill <npm pid>` (SIGTERM to npm alone), with the output pipe closed', async () => {
    await stopStartedStack({ reader: TEE, when: 'up', signal: 'SIGTERM', to: 'npm', times: 1, npmWaits: true });
  }, 180_000);

  it('when the terminal closes (SIGHUP to the group; npm dies at once), with output closed at the first byte', async () => {
    await stopStartedStack({ reader: 'head -c 1', when: 'up', signal: 'SIGHUP', to: 'group', times: 1, npmWaits: false });
  }, 180_000);

  it('on Ctrl-C half-way through starting (emulators up, functions starting)', async () => {
    await stopStartedStack({ reader: TEE, when: 'starting', signal: 'SIGINT', to: 'group', times: 1, npmWaits: true });
  }, 180_000);
});
