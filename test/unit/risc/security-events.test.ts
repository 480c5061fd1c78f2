import { EVENT_TYPES, readSecurityEvents } from '../../../functions/src/risc/security-events';
import { effectOf } from '../../../functions/src/risc/event-effects';

describe('readSecurityEvents', () => {
  it('reads account subjects, token subjects, reasons and verification states', () => {
    const events = readSecurityEvents({
      [EVENT_TYPES['account-disabled']]: { subject: { subject_type: 'iss-sub', iss: 'https://accounts.google.com/', sub: '1234' }, reason: 'hijacking' },
      [EVENT_TYPES['token-revoked']]: {
        subject: { subject_type: 'oauth_token', token_type: 'refresh_token', token_identifier_alg: 'prefix', token: '1//0abcdefghijkl' },
      },
      [EVENT_TYPES['sessions-revoked']]: { subject: { subject_type: 'id_token_claims', iss: 'x', sub: '99', email: 'a@example.com' } },
      [EVENT_TYPES.verification]: { state: 'hello\nworld' },
    });
    expect(events).toEqual([
      { name: 'account-disabled', subject: { kind: 'account', sub: '1234' }, reason: 'hijacking' },
      { name: 'token-revoked', subject: { kind: 'token', alg: 'prefix', token: '1//0abcdefghijkl' }, reason: undefined },
      { name: 'sessions-revoked', subject: { kind: 'account', sub: '99' }, reason: undefined },
      { name: 'verification', state: 'hello?world' },
    ]);
  });

  it('turns anything it cannot act on into unknown or a subject of kind none, never an exception', () => {
    const events = readSecurityEvents({
      'https://example.com/event-type/new': { subject: { sub: '1' } },
      [EVENT_TYPES['tokens-revoked']]: 'not an object',
      [EVENT_TYPES['account-enabled']]: { subject: { subject_type: 'email', email: 'a@example.com' } },
      [EVENT_TYPES['sessions-revoked']]: { subject: { sub: 'users/../x' } },
      [EVENT_TYPES['account-disabled']]: { subject: { sub: '__reserved__' } },
      [EVENT_TYPES['token-revoked']]: { subject: { token_type: 'access_token', token_identifier_alg: 'prefix', token: 'x' } },
    });
    expect(events.map((event) => ('subject' in event ? `${event.name}:${event.subject.kind}` : event.name))).toEqual([
      'unknown',
      'unknown',
      'account-enabled:none',
      'sessions-revoked:none',
      'account-disabled:none',
      'token-revoked:none',
    ]);
  });

  it('stops offline access for the four revoking events and records the two informational ones', () => {
    expect(['tokens-revoked', 'token-revoked', 'sessions-revoked', 'account-disabled'].map((name) => effectOf(name as never))).toEqual(
      Array(4).fill('stop_offline_access'),
    );
    expect(effectOf('account-enabled')).toBe('record');
    expect(effectOf('account-credential-change-required')).toBe('record');
    expect(effectOf('verification')).toBe('none');
    expect(effectOf('unknown')).toBe('none');
  });
});
