import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { generateWebhookSecretFile } from '../../functions/src/events/webhook/webhook-secret';
import { STATE_COLLECTION } from '../../functions/src/offline/due-index/due-index';
import type { SandboxGoogle } from '../../sandbox/src/server';
import { DEFAULT_APP_CHECK_PROJECT } from '../../sandbox/src/app-check';
import type { RequestShape } from './request-arbitraries';

/**
 * Every HTTP function, one row each: how real callers talk to it, and the answers its contract
 * documents. A fuzzed request may only get one of these; a success only where a random input
 * happens to be valid (never, for the functions that need a Google-signed credential).
 */
export interface FuzzTarget extends RequestShape {
  /** A label (the function name, plus a variant). */
  name: string;
  /** The functions-framework target. */
  functionName: string;
  /** Status -> documented error codes. */
  errors: Readonly<Record<number, readonly string[]>>;
  success: number | undefined;
  env(sandbox: SandboxGoogle): NodeJS.ProcessEnv;
  /** Collections the function may write its own bookkeeping to (never a user's data): the due index's state. */
  bookkeeping?: readonly string[];
}

/** What any product HTTP function may answer to a malformed request, from its guards. */
const GUARDS = {
  400: ['invalid_request'],
  405: ['method_not_allowed'],
  413: ['payload_too_large'],
  415: ['unsupported_media_type'],
} as const;

function newWebhookSecretFile(): string {
  const path = join(mkdtempSync(join(tmpdir(), 'fuzz-webhook-')), 'webhook-secret');
  generateWebhookSecretFile(path);
  return path;
}
const bearer = 'Bearer eyJhbGciOiJSUzI1NiIsImtpZCI6IngifQ.eyJzdWIiOiIxIn0.c2ln';

export const FUZZ_TARGETS: readonly FuzzTarget[] = [
  {
    name: 'exchangeAuthCode',
    functionName: 'exchangeAuthCode',
    method: 'POST',
    fields: ['code', 'redirectUri'],
    callerHeaders: { 'x-requested-with': 'com.example.app' },
    errors: { ...GUARDS, 400: ['invalid_request', 'invalid_grant', 'redirect_uri_not_allowed'], 403: ['csrf_header_missing', 'origin_not_allowed'] },
    success: 200,
    env: () => ({}),
  },
  {
    name: 'exchangeAuthCode (App Check on)',
    functionName: 'exchangeAuthCode',
    method: 'POST',
    fields: ['code', 'redirectUri'],
    callerHeaders: { 'x-requested-with': 'com.example.app', 'x-firebase-appcheck': 'eyJraWQiOiJ4In0.e30.c2ln' },
    errors: { ...GUARDS, 400: ['invalid_request', 'invalid_grant', 'redirect_uri_not_allowed'], 401: ['app_check_failed'], 403: ['csrf_header_missing', 'origin_not_allowed'] },
    success: 200,
    env: (sandbox) => ({ REQUIRE_APP_CHECK: 'true', APP_CHECK_PROJECT_NUMBER: DEFAULT_APP_CHECK_PROJECT.projectNumber, APP_CHECK_JWKS_URL: sandbox.endpoints.appCheckJwksUrl }),
  },
  {
    name: 'dispatchOfflineWork',
    functionName: 'dispatchOfflineWork',
    method: 'POST',
    fields: ['shard'],
    callerHeaders: { authorization: bearer },
    errors: GUARDS,
    // A tick ({} or no body) or {"shard": s} within the range. With no users nothing is published,
    // and only the due index's state (the shard count) is stored.
    success: 200,
    env: () => ({ OFFLINE_WORK_TOPIC: 'offline-work-fuzz', DUE_SHARDS: '4' }),
    bookkeeping: [STATE_COLLECTION],
  },
  {
    name: 'backfillShards',
    functionName: 'backfillShards',
    method: 'POST',
    fields: ['cursor'],
    callerHeaders: { authorization: bearer },
    errors: GUARDS,
    // With no users a call is done at once and records that in the due index's state.
    success: 200,
    env: () => ({}),
    bookkeeping: [STATE_COLLECTION],
  },
  {
    name: 'rewrapTokens',
    functionName: 'rewrapTokens',
    method: 'POST',
    fields: ['cursor'],
    callerHeaders: { authorization: bearer },
    errors: GUARDS,
    success: 200,
    env: () => ({}),
  },
  {
    name: 'disconnect',
    functionName: 'disconnect',
    method: 'POST',
    fields: [],
    callerHeaders: { 'x-requested-with': 'com.example.app', authorization: bearer },
    errors: { ...GUARDS, 401: ['unauthenticated', 'invalid_id_token'], 403: ['csrf_header_missing', 'origin_not_allowed'] },
    success: 200,
    env: () => ({}),
  },
  {
    name: 'createPhotoPickerSession',
    functionName: 'createPhotoPickerSession',
    method: 'POST',
    fields: [],
    callerHeaders: { 'x-requested-with': 'com.example.app', authorization: bearer },
    errors: { ...GUARDS, 401: ['unauthenticated', 'invalid_id_token'], 403: ['csrf_header_missing', 'origin_not_allowed'] },
    // Only a Google-signed ID token of a connected user gets a session; no random request is one.
    success: undefined,
    env: () => ({}),
  },
  {
    name: 'offlineStatus',
    functionName: 'offlineStatus',
    method: 'GET',
    fields: [],
    callerHeaders: { authorization: bearer },
    errors: { ...GUARDS, 401: ['unauthenticated', 'invalid_id_token'], 403: ['origin_not_allowed'] },
    success: 200,
    env: () => ({}),
  },
  {
    name: 'riscReceiver',
    functionName: 'riscReceiver',
    method: 'POST',
    fields: [],
    callerHeaders: { 'content-type': 'application/secevent+jwt' },
    errors: { ...GUARDS, 400: ['invalid_request', 'invalid_security_event'] },
    success: 202,
    env: (sandbox) => ({ RISC_CONFIG_URL: sandbox.endpoints.riscConfigUrl }),
  },
  {
    name: 'deliverUserEvents',
    functionName: 'deliverUserEvents',
    method: 'POST',
    fields: ['message', 'subscription'],
    callerHeaders: { authorization: bearer },
    errors: GUARDS,
    // Only a push of one of our events is delivered (nothing random is); the webhook is never reached.
    success: 204,
    env: () => ({ USER_EVENTS_WEBHOOK_URL: 'http://127.0.0.1:9/hook', USER_EVENTS_WEBHOOK_SECRET_FILE: newWebhookSecretFile() }),
  },
];
