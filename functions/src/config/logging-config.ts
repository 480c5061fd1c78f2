import { type Env, optionalString, parseEnv } from './env-schema';

export interface LoggingConfig {
  /** GOOGLE_CLOUD_PROJECT: names the project in a log line's trace (`projects/<id>/traces/<trace>`). Unset: no trace fields. */
  traceProject: string | undefined;
}

export const loggingShape = {
  GOOGLE_CLOUD_PROJECT: optionalString(),
};

export function loadLoggingConfig(env: Env = process.env): LoggingConfig {
  return { traceProject: parseEnv(loggingShape, env).GOOGLE_CLOUD_PROJECT };
}
