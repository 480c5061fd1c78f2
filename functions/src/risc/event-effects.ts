import { FieldValue, type Timestamp } from '@google-cloud/firestore';
import type { UserEventReason } from '../events/user-event';
import type { SecurityEventRecord, UserRecord } from '../users/user-record';
import type { EventName } from './security-events';

/**
 * What each Cross-Account Protection event does to a user document. The four events that mean
 * "this grant, or this account, can no longer be trusted" stop offline work the same way: tokens
 * and their identifiers deleted, status `reauth_required` (the app asks the user to sign in
 * again), lease and dispatch cleared so a running worker's writes are refused; `lastError` says
 * which event it was. `sessions-revoked` is treated so too: the stored grant is this backend's
 * long-lived session with the account, and Google asks for sessions to be ended. The other events
 * are recorded only. A disconnected user's tombstone is never touched.
 */
export type EventEffect = 'stop_offline_access' | 'record' | 'none';

const STOP_CODES = {
  'tokens-revoked': 'grant_revoked',
  'token-revoked': 'grant_revoked',
  'sessions-revoked': 'sessions_revoked',
  'account-disabled': 'account_disabled',
} as const satisfies Partial<Record<EventName, string>>;

export type StopEventName = keyof typeof STOP_CODES;

/** The `reason` of the `reauth_required` lifecycle event (events/) an event that stops offline access emits. */
const LIFECYCLE_REASONS = {
  'tokens-revoked': 'risc_tokens_revoked',
  'token-revoked': 'risc_token_revoked',
  'sessions-revoked': 'risc_sessions_revoked',
  'account-disabled': 'risc_account_disabled',
} as const satisfies Record<StopEventName, UserEventReason>;

export function isStopEvent(name: EventName | 'unknown'): name is StopEventName {
  return name in STOP_CODES;
}

export function lifecycleReasonOf(name: StopEventName): UserEventReason {
  return LIFECYCLE_REASONS[name];
}

export function effectOf(name: EventName | 'unknown'): EventEffect {
  if (name in STOP_CODES) return 'stop_offline_access';
  if (name === 'account-enabled' || name === 'account-credential-change-required') return 'record';
  return 'none';
}

export interface EventContext {
  name: Exclude<EventName, 'verification'>;
  jti: string;
  reason: string | undefined;
  receivedAt: Timestamp;
}

/** Fields to update on the user, or undefined when the event changes nothing for this user. */
export function userUpdateFor(user: UserRecord, event: EventContext): Record<string, unknown> | undefined {
  if (user.status === 'disconnected') return undefined;
  const lastSecurityEvent: SecurityEventRecord = {
    type: event.name,
    jti: event.jti,
    receivedAt: event.receivedAt,
    ...(event.reason ? { reason: event.reason } : {}),
  };
  const recorded = { lastSecurityEvent, updatedAt: event.receivedAt };
  if (event.name === 'account-enabled') return { ...recorded, accountEnabledAt: event.receivedAt };
  if (event.name === 'account-credential-change-required') return { ...recorded, credentialChangeRequiredAt: event.receivedAt };
  return {
    ...recorded,
    status: 'reauth_required',
    lastError: STOP_CODES[event.name],
    refreshToken: FieldValue.delete(),
    accessToken: FieldValue.delete(),
    accessTokenExpiresAt: FieldValue.delete(),
    refreshTokenIds: FieldValue.delete(),
    lease: FieldValue.delete(),
    dispatch: FieldValue.delete(),
    unfinishedRuns: FieldValue.delete(),
  };
}
