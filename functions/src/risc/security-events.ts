/**
 * The events of a Security Event Token (the `events` claim: event-type URI -> payload), read
 * into the few shapes the receiver acts on. Anything malformed inside an event makes it
 * `unknown` rather than failing the token: Google's signature is already checked, and a 400
 * would only make Google retry an event we can never understand.
 */
const RISC = 'https://schemas.openid.net/secevent/risc/event-type/';
const OAUTH = 'https://schemas.openid.net/secevent/oauth/event-type/';

export const EVENT_TYPES = {
  'sessions-revoked': `${RISC}sessions-revoked`,
  'tokens-revoked': `${OAUTH}tokens-revoked`,
  'token-revoked': `${OAUTH}token-revoked`,
  'account-disabled': `${RISC}account-disabled`,
  'account-enabled': `${RISC}account-enabled`,
  'account-credential-change-required': `${RISC}account-credential-change-required`,
  verification: `${RISC}verification`,
} as const;

export type EventName = keyof typeof EVENT_TYPES;

/** Who an event is about: a Google account (`sub`), or one refresh token named by an identifier. */
export type EventSubject =
  | { kind: 'account'; sub: string }
  | { kind: 'token'; alg: string; token: string }
  | { kind: 'none' };

export type SecurityEvent =
  | { name: Exclude<EventName, 'verification'>; subject: EventSubject; reason: string | undefined }
  | { name: 'verification'; state: string | undefined }
  | { name: 'unknown'; uri: string };

/** Google account ids are digits; anything usable as a Firestore document id is accepted, nothing else. */
const USER_ID = /^[A-Za-z0-9_-][A-Za-z0-9._-]{0,254}$/;

const NAME_BY_URI = new Map<string, EventName>(Object.entries(EVENT_TYPES).map(([name, uri]) => [uri, name as EventName]));

/** Short, printable and bounded: these values end up in logs and documents. */
export function boundedText(value: unknown, max = 200): string | undefined {
  if (typeof value !== 'string') return undefined;
  return value.replace(/[^\x20-\x7e]/g, '?').slice(0, max);
}

export function readSecurityEvents(events: Record<string, unknown>): SecurityEvent[] {
  return Object.entries(events).map(([uri, payload]) => readEvent(uri, payload));
}

function readEvent(uri: string, payload: unknown): SecurityEvent {
  const name = NAME_BY_URI.get(uri);
  if (!name || !isRecord(payload)) return { name: 'unknown', uri: boundedText(uri) ?? '' };
  if (name === 'verification') return { name, state: boundedText(payload.state) };
  return { name, subject: readSubject(payload.subject), reason: boundedText(payload.reason, 64) };
}

/** Google's subject formats: `iss-sub` and `id_token_claims` carry `sub`; a token subject names a refresh token. */
function readSubject(subject: unknown): EventSubject {
  if (!isRecord(subject)) return { kind: 'none' };
  const { sub, token, token_identifier_alg: alg, token_type: tokenType } = subject;
  if (typeof token === 'string' && typeof alg === 'string' && (tokenType === undefined || tokenType === 'refresh_token')) {
    return { kind: 'token', alg, token };
  }
  if (typeof sub === 'string' && USER_ID.test(sub) && !/^__.*__$/.test(sub)) return { kind: 'account', sub };
  return { kind: 'none' };
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
