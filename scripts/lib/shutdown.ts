import { constants } from 'node:os';
import { stopAllProcesses } from './processes';

/**
 * How a script that starts processes ends. Whatever ends it (Ctrl-C, SIGTERM, a closed terminal,
 * an error, the end of its work), every process group it started (processes.ts) is stopped first.
 *
 * - Ctrl-C signals the terminal's whole foreground group: npm, this script and a `| tee`. tee
 *   dies at once, so stdout is a broken pipe by the time we log: output errors are ignored, the
 *   SIGTERMs go out before anything is logged, and a log line that throws cannot skip the stop.
 * - npm forwards SIGINT and SIGTERM to this script and waits for it; on SIGHUP (terminal closed)
 *   npm dies at once and this script, signalled with the same group, stops on its own. The npm
 *   scripts `exec` it with `node --import tsx`: a shell in between dies of SIGTERM without passing
 *   it on, and the tsx CLI's relay SIGKILLs a child that does not answer a signal within ~30 ms.
 * - A second signal while stopping (npm's forwarded copy, a second Ctrl-C) changes nothing: the
 *   stop is already under way and bounded (SIGTERM, then SIGKILL of each group after 5 s).
 */
const SIGNALS = ['SIGINT', 'SIGTERM', 'SIGHUP'] as const;
/** Past this, the exit goes ahead anyway: processes.ts SIGKILLs what is left as the process exits. */
const STOP_LIMIT_MS = 10_000;

type Cleanup = () => Promise<void> | void;
const cleanups: Cleanup[] = [];
let exiting: Promise<never> | undefined;

/** In-process cleanup (servers, timers) to run while the process groups stop. */
export function atShutdown(cleanup: Cleanup): void {
  cleanups.push(cleanup);
}

/**
 * Stops everything on SIGINT, SIGTERM and SIGHUP, then exits with `exitCode` (by default
 * 128 + the signal's number, as a shell reports a process the signal killed).
 */
export function shutdownOnSignals(options: { exitCode?: number; message?: (signal: NodeJS.Signals) => string } = {}): void {
  ignoreOutputErrors();
  for (const signal of SIGNALS) {
    process.on(signal, () => void exitAfterStopping(options.exitCode ?? 128 + constants.signals[signal], options.message?.(signal)));
  }
}

/**
 * Stops every process group and runs the cleanups, then exits; the message goes to stdout when
 * the code is 0, else to stderr. Only the first call counts: a later one (say, the error of a
 * start-up that the shutdown cut short) waits for the same exit.
 */
export function exitAfterStopping(code: number, message?: string): Promise<never> {
  exiting ??= stopThenExit(code, message);
  return exiting;
}

async function stopThenExit(code: number, message: string | undefined): Promise<never> {
  ignoreOutputErrors();
  const stopping = [stopAllProcesses(), ...cleanups.map((cleanup) => Promise.resolve().then(cleanup))];
  if (message) say(message, code === 0 ? 'stdout' : 'stderr');
  let timer: NodeJS.Timeout | undefined;
  await Promise.race([Promise.allSettled(stopping), new Promise((resolve) => (timer = setTimeout(resolve, STOP_LIMIT_MS)))]);
  clearTimeout(timer);
  process.exit(code);
}

/** A line of output, if anyone still reads it. */
export function say(line: string, stream: 'stdout' | 'stderr' = 'stdout'): void {
  try {
    if (stream === 'stdout') console.log(line);
    else console.error(line);
  } catch {
    // the output is gone; nothing to tell
  }
}

let outputErrorsIgnored = false;

/** Without a listener, an EPIPE on stdout or stderr is an uncaught error that kills the process mid-stop. */
function ignoreOutputErrors(): void {
  if (outputErrorsIgnored) return;
  outputErrorsIgnored = true;
  process.stdout.on('error', () => undefined);
  process.stderr.on('error', () => undefined);
}
