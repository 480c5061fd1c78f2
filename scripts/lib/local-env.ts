import { join } from 'node:path';
import { LIBRARY_PREFIX, PICKER_PREFIX } from '../../sandbox/src/photos';
import { REPO_ROOT, type StackLayout } from './stack-layout';

/** The OAuth client the sandbox Google knows in the local stack (not a secret: it only exists locally). */
export const LOCAL_CLIENT = {
  clientId: 'offline-access-local.apps.googleusercontent.com',
  clientSecret: 'local-sandbox-client-secret',
} as const;

/** Firebase's convention: a `demo-` project never reaches real Google services. */
export const LOCAL_PROJECT = 'demo-offline-access';
export const LOCAL_TOPIC = 'offline-work';
export const LOCAL_DISPATCH_TOPIC = 'offline-work-dispatch';
export const LOCAL_KEY_FILE = join(REPO_ROOT, '.local', 'token-key');
/** Lifecycle events (docs/events.md): the topic's default name, created on the emulator. */
export const LOCAL_EVENTS_TOPIC = 'offline-access-user-events';
export const LOCAL_EVENTS_DEAD_LETTER_TOPIC = 'offline-access-user-events-dead-letter';
/** The webhook signing secret, generated on the first `npm start` (git-ignored, like the token key). */
export const LOCAL_WEBHOOK_SECRET_FILE = join(REPO_ROOT, '.local', 'webhook-secret');

/** USER_EVENTS_WEBHOOK_URL from the environment of `npm start`: set, the stack delivers every event there, signed. */
export function localWebhookUrl(env: NodeJS.ProcessEnv = process.env): string | undefined {
  return env.USER_EVENTS_WEBHOOK_URL?.trim() || undefined;
}

/** The environment every function gets in the local stack: the same variables production reads. */
export function localFunctionEnv(layout: StackLayout, sandboxUrl: string): NodeJS.ProcessEnv {
  return {
    PATH: process.env.PATH,
    HOME: process.env.HOME,
    NODE_ENV: 'development',
    METADATA_SERVER_DETECTION: 'none',
    GOOGLE_CLOUD_PROJECT: LOCAL_PROJECT,
    FIRESTORE_EMULATOR_HOST: `${layout.host}:${layout.firestorePort}`,
    PUBSUB_EMULATOR_HOST: `${layout.host}:${layout.pubsubPort}`,
    GOOGLE_OAUTH_CLIENT_ID: LOCAL_CLIENT.clientId,
    GOOGLE_OAUTH_CLIENT_SECRET: LOCAL_CLIENT.clientSecret,
    GOOGLE_OAUTH_TOKEN_URL: `${sandboxUrl}/token`,
    GOOGLE_OAUTH_CERTS_URL: `${sandboxUrl}/oauth2/v1/certs`,
    GOOGLE_OAUTH_REVOKE_URL: `${sandboxUrl}/revoke`,
    GOOGLE_API_ROOT_URL: `${sandboxUrl}/`,
    PHOTOS_PICKER_ROOT_URL: `${sandboxUrl}${PICKER_PREFIX}`,
    PHOTOS_LIBRARY_ROOT_URL: `${sandboxUrl}${LIBRARY_PREFIX}`,
    RISC_CONFIG_URL: `${sandboxUrl}/.well-known/risc-configuration`,
    TOKEN_KEY_FILE: LOCAL_KEY_FILE,
    OFFLINE_WORK_TOPIC: LOCAL_TOPIC,
    DISPATCH_TOPIC: LOCAL_DISPATCH_TOPIC,
    USER_EVENTS_TOPIC: LOCAL_EVENTS_TOPIC,
    USER_EVENTS_DEAD_LETTER_TOPIC: LOCAL_EVENTS_DEAD_LETTER_TOPIC,
    USER_EVENTS_WEBHOOK_SECRET_FILE: LOCAL_WEBHOOK_SECRET_FILE,
    ...(localWebhookUrl() ? { USER_EVENTS_WEBHOOK_URL: localWebhookUrl() } : {}),
    // Short in the local stack so a demo user is picked up again within a minute.
    OFFLINE_WORK_INTERVAL: process.env.OFFLINE_WORK_INTERVAL ?? '60',
  };
}
