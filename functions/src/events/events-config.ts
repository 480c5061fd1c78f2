import { z } from 'zod';
import { ConfigError } from '../config/config-error';
import { type Env, optionalString, parseEnv, requiredString } from '../config/env-schema';

export const DEFAULT_USER_EVENTS_TOPIC = 'offline-access-user-events';
export const DEFAULT_USER_EVENTS_DEAD_LETTER_TOPIC = 'offline-access-user-events-dead-letter';

export interface UserEventsConfig {
  projectId: string;
  /** The topic events are published to; undefined when events are off. */
  topic: string | undefined;
}

const TOPIC_ID = /^[A-Za-z][\w.~+%-]{2,254}$/;
const TOPIC_PROBLEM = 'must be a Pub/Sub topic id (3-255 characters, starting with a letter)';

/**
 * USER_EVENTS_TOPIC: unset means the default topic; set to an empty string, events are off (no
 * outbox entry is written, nothing is published). Read by every function that changes a
 * user's offline state, and by the dispatcher, which publishes what they could not.
 */
export function loadUserEventsConfig(env: Env = process.env): UserEventsConfig {
  const { GOOGLE_CLOUD_PROJECT: projectId } = parseEnv({ GOOGLE_CLOUD_PROJECT: requiredString() }, env);
  const raw = env.USER_EVENTS_TOPIC;
  if (raw === undefined) return { projectId, topic: DEFAULT_USER_EVENTS_TOPIC };
  const topic = raw.trim();
  if (topic === '') return { projectId, topic: undefined };
  if (!TOPIC_ID.test(topic)) throw new ConfigError([{ variable: 'USER_EVENTS_TOPIC', problem: `${TOPIC_PROBLEM}, or empty to turn events off` }]);
  return { projectId, topic };
}

export type WebhookSecretConfig =
  | { kind: 'file'; path: string }
  | { kind: 'secret-manager'; secret: string; emulatorHost: string | undefined };

export interface WebhookConfig {
  projectId: string;
  /** Where every event is POSTed: fixed by the operator, never by a request. */
  url: string;
  secret: WebhookSecretConfig;
  /** Events the webhook refused for good are published here (the subscription's dead-letter topic). */
  deadLetterTopic: string;
}

const LOOPBACK_HOSTS = new Set(['127.0.0.1', '[::1]']);

/** HTTPS, or plain HTTP to this machine's loopback address (local development); no credentials, no fragment. */
export function webhookUrlProblem(value: string): string | undefined {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    return 'must be an absolute URL';
  }
  if (url.protocol !== 'https:' && !(url.protocol === 'http:' && LOOPBACK_HOSTS.has(url.hostname))) {
    return 'must be an https:// URL (plain http only to 127.0.0.1 or [::1], for local development)';
  }
  if (url.username || url.password) return 'must not carry a user name or password';
  if (url.hash) return 'must not have a #fragment';
  return undefined;
}

const SECRET_NAME = /^projects\/[^/]+\/secrets\/[^/]+$/;

const webhookShape = {
  GOOGLE_CLOUD_PROJECT: requiredString(),
  USER_EVENTS_WEBHOOK_URL: requiredString().superRefine((value, context) => {
    const problem = webhookUrlProblem(value);
    if (problem) context.addIssue({ code: 'custom', message: problem });
  }),
  USER_EVENTS_WEBHOOK_SECRET: optionalString().pipe(z.string().regex(SECRET_NAME, 'must look like projects/PROJECT/secrets/SECRET').optional()),
  USER_EVENTS_WEBHOOK_SECRET_FILE: optionalString(),
  USER_EVENTS_DEAD_LETTER_TOPIC: optionalString().pipe(z.string().regex(TOPIC_ID, TOPIC_PROBLEM).default(DEFAULT_USER_EVENTS_DEAD_LETTER_TOPIC)),
  SECRET_MANAGER_EMULATOR_HOST: optionalString().pipe(z.string().regex(/^[^:/\s]+:\d+$/, 'must be host:port').optional()),
};

/** The delivery function's configuration: where to POST, and the signing secret (Secret Manager or a file). */
export function loadWebhookConfig(env: Env = process.env): WebhookConfig {
  const vars = parseEnv(webhookShape, env);
  const inSecretManager = vars.USER_EVENTS_WEBHOOK_SECRET;
  const file = vars.USER_EVENTS_WEBHOOK_SECRET_FILE;
  if (inSecretManager !== undefined && file !== undefined) {
    throw new ConfigError([{ variable: 'USER_EVENTS_WEBHOOK_SECRET', problem: 'and USER_EVENTS_WEBHOOK_SECRET_FILE are both set; set one' }]);
  }
  if (inSecretManager === undefined && file === undefined) {
    throw new ConfigError([{ variable: 'USER_EVENTS_WEBHOOK_SECRET', problem: 'or USER_EVENTS_WEBHOOK_SECRET_FILE is required: webhooks are always signed' }]);
  }
  return {
    projectId: vars.GOOGLE_CLOUD_PROJECT,
    url: vars.USER_EVENTS_WEBHOOK_URL,
    secret: inSecretManager !== undefined
      ? { kind: 'secret-manager', secret: inSecretManager, emulatorHost: vars.SECRET_MANAGER_EMULATOR_HOST }
      : { kind: 'file', path: file! },
    deadLetterTopic: vars.USER_EVENTS_DEAD_LETTER_TOPIC,
  };
}
