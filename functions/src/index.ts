/**
 * The package `main`: registers every deployed function with functions-framework.
 *
 * Each function's module is loaded only when it is the one this process serves, so the exchange
 * never pays for Drive or image code. The served target is loaded eagerly, so a configuration
 * error stops the instance at start with a message naming the variable, not at the first request.
 */
import { type CloudEvent, type CloudEventFunction, cloudEvent, type HttpFunction, http } from '@google-cloud/functions-framework';
import { installPassThroughDomain } from './wiring/framework-domain';
import { currentTarget } from './wiring/target';

// Before the framework wraps any invocation: see framework-domain.ts.
installPassThroughDomain();

/* eslint-disable @typescript-eslint/no-require-imports -- loading on demand is the point of this file */
const httpFunctions: Record<string, () => HttpFunction> = {
  exchangeAuthCode: () => (require('./entries/exchange-auth-code') as typeof import('./entries/exchange-auth-code')).exchangeAuthCode,
  dispatchOfflineWork: () => (require('./entries/dispatch-offline-work') as typeof import('./entries/dispatch-offline-work')).dispatchOfflineWork,
  disconnect: () => (require('./entries/disconnect') as typeof import('./entries/disconnect')).disconnect,
  offlineStatus: () => (require('./entries/offline-status') as typeof import('./entries/offline-status')).offlineStatus,
  createPhotoPickerSession: () =>
    (require('./entries/create-photo-picker-session') as typeof import('./entries/create-photo-picker-session')).createPhotoPickerSession,
  riscReceiver: () => (require('./entries/risc-receiver') as typeof import('./entries/risc-receiver')).riscReceiver,
  rewrapTokens: () => (require('./entries/rewrap-tokens') as typeof import('./entries/rewrap-tokens')).rewrapTokens,
  backfillShards: () => (require('./entries/backfill-shards') as typeof import('./entries/backfill-shards')).backfillShards,
  deliverUserEvents: () => (require('./entries/deliver-user-events') as typeof import('./entries/deliver-user-events')).deliverUserEvents,
};

const eventFunctions: Record<string, () => CloudEventFunction<never>> = {
  runOfflineWork: () => (require('./entries/run-offline-work') as typeof import('./entries/run-offline-work')).runOfflineWork,
};
/* eslint-enable @typescript-eslint/no-require-imports */

function once<T>(load: () => T): () => T {
  let loaded: { value: T } | undefined;
  return () => (loaded ??= { value: load() }).value;
}

for (const [name, load] of Object.entries(httpFunctions)) {
  const handler = once(load);
  http(name, (req, res) => handler()(req, res));
}
for (const [name, load] of Object.entries(eventFunctions)) {
  const handler = once(load);
  cloudEvent(name, (event: CloudEvent<unknown>) => handler()(event as never));
}

const target = currentTarget();
if (target && target in httpFunctions) httpFunctions[target]!();
if (target && target in eventFunctions) eventFunctions[target]!();
