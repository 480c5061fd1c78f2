import type { UserStatus } from '../users/user-record';

/**
 * The lifecycle events of a user's offline access (docs/events.md): one per change of state,
 * as CloudEvents 1.0 in JSON structured mode. The type names and the `data` fields are a
 * contract with the app's backend: a change to either is a new `.v2` type, never an edit.
 */
export const USER_EVENT_TYPES = {
  connected: 'dev.offlineaccess.user.connected.v1',
  reconnected: 'dev.offlineaccess.user.reconnected.v1',
  scopes_changed: 'dev.offlineaccess.user.scopes_changed.v1',
  reauth_required: 'dev.offlineaccess.user.reauth_required.v1',
  disconnected: 'dev.offlineaccess.user.disconnected.v1',
  work_paused: 'dev.offlineaccess.user.work_paused.v1',
  work_resumed: 'dev.offlineaccess.user.work_resumed.v1',
  'photos.session_done': 'dev.offlineaccess.photos.session_done.v1',
  'photos.session_expired': 'dev.offlineaccess.photos.session_expired.v1',
} as const;

export type UserEventKind = keyof typeof USER_EVENT_TYPES;

/** Stable codes saying why the state changed. */
export type UserEventReason =
  | 'sign_in'
  | 'token_refresh'
  | 'invalid_grant'
  | 'risc_tokens_revoked'
  | 'risc_token_revoked'
  | 'risc_sessions_revoked'
  | 'risc_account_disabled'
  | 'user_request'
  | 'photos_picker'
  | 'drive_storage_full';

/** What a Google Photos Picker session did, on `photos.session_done` and `photos.session_expired`. */
export interface PhotosSessionOutcome {
  sessionId: string;
  picked: number;
  added: number;
  skipped: number;
  failed: number;
}

/** What changed, as the code that made the change knows it. Nothing secret, nothing personal. */
export type UserChange =
  | { kind: 'connected' | 'reconnected' | 'scopes_changed'; userId: string; status: 'active'; reason: UserEventReason; scopes: readonly string[] }
  | { kind: 'reauth_required'; userId: string; status: 'reauth_required'; reason: UserEventReason }
  | { kind: 'disconnected'; userId: string; status: 'disconnected'; reason: UserEventReason }
  // The offline work stopped until the user acts (their Google storage is full), and started again.
  | { kind: 'work_paused' | 'work_resumed'; userId: string; status: 'active'; reason: 'drive_storage_full' }
  | { kind: 'photos.session_done' | 'photos.session_expired'; userId: string; status: 'active'; reason: 'photos_picker'; session: PhotosSessionOutcome };

export interface UserEventData {
  userId: string;
  status: UserStatus;
  reason: UserEventReason;
  /** On connected, reconnected and scopes_changed only: the scopes granted now. */
  scopes?: string[];
  /** On photos.session_done and photos.session_expired only: the session and its counts. */
  sessionId?: string;
  picked?: number;
  added?: number;
  skipped?: number;
  failed?: number;
  /** 1, 2, 3... per user: consumers order events by it and spot gaps. */
  sequence: number;
}

export interface UserCloudEvent {
  specversion: '1.0';
  id: string;
  source: string;
  type: (typeof USER_EVENT_TYPES)[UserEventKind];
  subject: string;
  time: string;
  datacontenttype: 'application/json';
  data: UserEventData;
}

/** The Pub/Sub message attributes beside the event, so subscriptions can filter without parsing. */
export interface UserEventAttributes {
  'ce-type': string;
  'ce-id': string;
  'ce-subject': string;
  [name: string]: string;
}

export function userEventSource(projectId: string): string {
  return `//offline-access/projects/${projectId}`;
}

export interface EventIdentity {
  id: string;
  sequence: number;
  time: Date;
  source: string;
}

export function buildUserEvent(change: UserChange, identity: EventIdentity): UserCloudEvent {
  return {
    specversion: '1.0',
    id: identity.id,
    source: identity.source,
    type: USER_EVENT_TYPES[change.kind],
    subject: change.userId,
    time: identity.time.toISOString(),
    datacontenttype: 'application/json',
    data: {
      userId: change.userId,
      status: change.status,
      reason: change.reason,
      ...('scopes' in change ? { scopes: [...change.scopes] } : {}),
      ...('session' in change ? { ...change.session } : {}),
      sequence: identity.sequence,
    },
  };
}

export function userEventAttributes(event: Pick<UserCloudEvent, 'type' | 'id' | 'subject'>): UserEventAttributes {
  return { 'ce-type': event.type, 'ce-id': event.id, 'ce-subject': event.subject };
}
