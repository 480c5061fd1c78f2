/** Cross-Account Protection event types, by the short names the admin API takes. */
const RISC = 'https://schemas.openid.net/secevent/risc/event-type/';
const OAUTH = 'https://schemas.openid.net/secevent/oauth/event-type/';

export const RISC_EVENT_TYPES = {
  'sessions-revoked': `${RISC}sessions-revoked`,
  'tokens-revoked': `${OAUTH}tokens-revoked`,
  'token-revoked': `${OAUTH}token-revoked`,
  'account-disabled': `${RISC}account-disabled`,
  'account-enabled': `${RISC}account-enabled`,
  'account-credential-change-required': `${RISC}account-credential-change-required`,
  verification: `${RISC}verification`,
} as const;

export type RiscEventName = keyof typeof RISC_EVENT_TYPES;

export const PUSH_DELIVERY = 'https://schemas.openid.net/secevent/risc/delivery-method/push';

/** A short name, or any URI as is (to play an event type the receiver does not know). */
export function eventTypeUri(event: string): string {
  return (RISC_EVENT_TYPES as Record<string, string>)[event] ?? event;
}
