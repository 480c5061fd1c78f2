import { CloudEvent } from 'cloudevents';
import { buildUserEvent, USER_EVENT_TYPES, userEventAttributes, userEventSource } from '../../../functions/src/events/user-event';

describe('the user lifecycle event', () => {
  const identity = { id: '1d1f1b9c-5b4e-4c5e-9a43-6a1f0b6f2a11', sequence: 3, time: new Date('2026-03-01T10:20:30.456Z'), source: userEventSource('my-project') };

  it('is a CloudEvent 1.0 with the pinned attributes and data', () => {
    const event = buildUserEvent({ kind: 'connected', userId: '1234567890', status: 'active', reason: 'sign_in', scopes: ['openid', 'email'] }, identity);
    expect(event).toEqual({
      specversion: '1.0',
      id: identity.id,
      source: '//offline-access/projects/my-project',
      type: 'dev.offlineaccess.user.connected.v1',
      subject: '1234567890',
      time: '2026-03-01T10:20:30.456Z',
      datacontenttype: 'application/json',
      data: { userId: '1234567890', status: 'active', reason: 'sign_in', scopes: ['openid', 'email'], sequence: 3 },
    });
    // The CloudEvents SDK's own validation (required attributes, formats, attribute names).
    expect(new CloudEvent(JSON.parse(JSON.stringify(event)) as Record<string, unknown>, true).validate()).toBe(true);
  });

  it('has scopes only on connected, reconnected and scopes_changed', () => {
    const reauth = buildUserEvent({ kind: 'reauth_required', userId: 'u', status: 'reauth_required', reason: 'invalid_grant' }, identity);
    const gone = buildUserEvent({ kind: 'disconnected', userId: 'u', status: 'disconnected', reason: 'user_request' }, identity);
    expect(Object.keys(reauth.data).sort()).toEqual(['reason', 'sequence', 'status', 'userId']);
    expect(gone).toMatchObject({ type: 'dev.offlineaccess.user.disconnected.v1', data: { status: 'disconnected', reason: 'user_request' } });
  });

  it('names the nine types as the contract pins them', () => {
    expect(Object.values(USER_EVENT_TYPES)).toEqual([
      'dev.offlineaccess.user.connected.v1',
      'dev.offlineaccess.user.reconnected.v1',
      'dev.offlineaccess.user.scopes_changed.v1',
      'dev.offlineaccess.user.reauth_required.v1',
      'dev.offlineaccess.user.disconnected.v1',
      'dev.offlineaccess.user.work_paused.v1',
      'dev.offlineaccess.user.work_resumed.v1',
      'dev.offlineaccess.photos.session_done.v1',
      'dev.offlineaccess.photos.session_expired.v1',
    ]);
  });

  it('carries a Photos session and its counts on the Photos events only', () => {
    const session = { sessionId: 's-1', picked: 3, added: 2, skipped: 1, failed: 0 };
    const done = buildUserEvent({ kind: 'photos.session_done', userId: 'u', status: 'active', reason: 'photos_picker', session }, identity);
    expect(done).toMatchObject({ type: 'dev.offlineaccess.photos.session_done.v1', subject: 'u', data: { userId: 'u', status: 'active', reason: 'photos_picker', ...session } });
    expect(Object.keys(done.data).sort()).toEqual(['added', 'failed', 'picked', 'reason', 'sequence', 'sessionId', 'skipped', 'status', 'userId']);
  });

  it('carries ce-type, ce-id and ce-subject as message attributes', () => {
    expect(userEventAttributes({ type: USER_EVENT_TYPES.reconnected, id: 'e-9', subject: 'u-9' })).toEqual({
      'ce-type': 'dev.offlineaccess.user.reconnected.v1',
      'ce-id': 'e-9',
      'ce-subject': 'u-9',
    });
  });
});
