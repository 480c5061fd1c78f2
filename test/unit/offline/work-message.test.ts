import { decodeWorkMessage, encodeWorkMessage } from '../../../functions/src/offline/work-message';

describe('work messages', () => {
  it('round-trip', () => {
    const message = { v: 1 as const, users: [{ userId: '1', dispatchId: 'a' }] };
    expect(decodeWorkMessage(encodeWorkMessage(message))).toEqual(message);
  });

  it.each([['not json', Buffer.from('{')], ['wrong version', Buffer.from('{"v":2,"users":[{"userId":"1","dispatchId":"a"}]}')], ['no users', Buffer.from('{"v":1,"users":[]}')], ['bad user', Buffer.from('{"v":1,"users":[{"userId":1}]}')]])(
    'rejects %s',
    (_name, data) => {
      expect(decodeWorkMessage(data)).toBeUndefined();
    },
  );
});
