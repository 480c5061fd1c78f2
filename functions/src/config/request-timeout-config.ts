import { type Env, optionalInt, parseEnv } from './env-schema';

export interface RequestTimeoutConfig {
  /**
   * REQUEST_TIMEOUT_SECONDS: the HTTP function's timeout as deployed (deploy.sh passes each row's,
   * infra/lib/functions-table.sh), so that the function answers before Cloud Run cuts the request
   * (http/answer-deadline.ts). Unset: no deadline. At most 3600, the longest an HTTP function may run.
   */
  timeoutSeconds: number | undefined;
}

export const requestTimeoutShape = {
  REQUEST_TIMEOUT_SECONDS: optionalInt(2, 3600),
};

export function loadRequestTimeoutConfig(env: Env = process.env): RequestTimeoutConfig {
  return { timeoutSeconds: parseEnv(requestTimeoutShape, env).REQUEST_TIMEOUT_SECONDS };
}
