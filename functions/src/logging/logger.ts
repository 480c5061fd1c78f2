import { currentLogContext } from './log-context';

/**
 * Structured JSON logs, one object per line, in the shape Cloud Logging reads (`severity`, `message`).
 * Fields whose names suggest secrets are replaced before anything is written: a safety net, not a
 * licence to pass secrets in. The sink is a parameter so tests can read every line that was logged.
 * Every line also carries the fields of the work it is written for (log-context.ts): a request's
 * trace, a worker message's id and user, a dispatcher run's shard.
 */
export type Severity = 'DEBUG' | 'INFO' | 'WARNING' | 'ERROR';

export type LogFields = Record<string, unknown>;

export interface Logger {
  debug(message: string, fields?: LogFields): void;
  info(message: string, fields?: LogFields): void;
  warn(message: string, fields?: LogFields): void;
  error(message: string, fields?: LogFields): void;
  child(fields: LogFields): Logger;
}

export type LogSink = (line: string) => void;

const SECRET_FIELD = /token|secret|password|authorization|code$|^code|key$|cookie|assertion/i;
const SAFE_FIELDS = new Set(['errorCode', 'statusCode', 'keyVersion', 'httpStatus', 'tokenType']);

export function redact(value: unknown, depth = 0): unknown {
  if (depth > 4 || value === null || typeof value !== 'object') return value;
  if (Array.isArray(value)) return value.map((item) => redact(item, depth + 1));
  const out: Record<string, unknown> = {};
  for (const [key, inner] of Object.entries(value)) {
    out[key] = SECRET_FIELD.test(key) && !SAFE_FIELDS.has(key) ? '[redacted]' : redact(inner, depth + 1);
  }
  return out;
}

const stdoutSink: LogSink = (line) => process.stdout.write(`${line}\n`);

export function createLogger(base: LogFields = {}, sink: LogSink = stdoutSink): Logger {
  const write = (severity: Severity, message: string, fields?: LogFields): void => {
    const entry = { severity, message, ...(redact({ ...base, ...currentLogContext(), ...fields }) as LogFields) };
    sink(JSON.stringify(entry));
  };
  return {
    debug: (message, fields) => write('DEBUG', message, fields),
    info: (message, fields) => write('INFO', message, fields),
    warn: (message, fields) => write('WARNING', message, fields),
    error: (message, fields) => write('ERROR', message, fields),
    child: (fields) => createLogger({ ...base, ...fields }, sink),
  };
}

/** Describes an unexpected error for the operator without its message, which may quote a secret. */
export function describeError(error: unknown): LogFields {
  if (error instanceof Error) {
    const status = (error as { status?: unknown }).status;
    const upstream = (error as { response?: { data?: { error?: unknown } } }).response?.data?.error;
    return {
      errorName: error.name,
      ...(typeof status === 'number' ? { httpStatus: status } : {}),
      ...(typeof upstream === 'string' ? { upstreamError: upstream } : {}),
    };
  }
  return { errorName: typeof error };
}

/**
 * An unexpected error for Error Reporting, which groups ERROR lines by a `stack_trace` field
 * (https://cloud.google.com/error-reporting/docs/formatting-error-messages): the error's name and
 * its stack frames, never its message (which may quote a request or a secret).
 */
export function errorReport(error: unknown): LogFields {
  const frames = error instanceof Error ? stackFrames(error) : [];
  if (!(error instanceof Error) || frames.length === 0) return describeError(error);
  return { ...describeError(error), stack_trace: [errorName(error), ...frames].join('\n') };
}

function errorName(error: Error): string {
  return typeof error.name === 'string' && /^[\w$.]{1,100}$/.test(error.name) ? error.name : 'Error';
}

// `    at fn (location:line:column)` or `    at location:line:column`, a location being a path, a
// file: or node: URL, or <anonymous>: what V8 writes for a frame, and not what a message looks like.
const FRAME = /^ {4}at (?:[^()]* \()?(?:\/|file:\/\/|node:|[A-Za-z]:\\|<anonymous>)[^()]*:\d+:\d+\)?$/;

/** The frame lines of V8's stack, after its `Name: message` header (which may span lines). */
function stackFrames(error: Error): string[] {
  const stack = typeof error.stack === 'string' ? error.stack : '';
  const header = safeToString(error);
  const body = header !== undefined && stack.startsWith(header) ? stack.slice(header.length) : stack;
  const message = typeof error.message === 'string' ? error.message : '';
  return body
    .split('\n')
    .filter((line) => FRAME.test(line) && (message === '' || !line.includes(message)))
    .slice(0, 50);
}

function safeToString(error: Error): string | undefined {
  try {
    return String(error);
  } catch {
    return undefined;
  }
}
