/**
 * Structured JSON logs, one object per line, in the shape Cloud Logging reads (`severity`, `message`).
 * Fields whose names suggest secrets are replaced before anything is written: a safety net, not a
 * licence to pass secrets in. The sink is a parameter so tests can read every line that was logged.
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
    const entry = { severity, message, ...(redact({ ...base, ...fields }) as LogFields) };
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
