import { Timestamp } from '@google-cloud/firestore';
import { describeDocument, writeKindOf } from '../../../bench/suites/offline/capacity-figures';

describe("the bench's write kinds", () => {
  it.each([
    [{ set: { dispatch: 'map', 'dispatch.id': 'string', nextRunAt: 'timestamp' }, deleted: [] }, 'dispatcherClaim'],
    [{ set: { lease: 'map', nextRunAt: 'timestamp' }, deleted: [] }, 'workerLease'],
    [{ set: { lastRunAt: 'timestamp', nextRunAt: 'timestamp' }, deleted: ['lease', 'dispatch'] }, 'workerFinish'],
    [{ set: { refreshToken: 'map', refreshTokenIds: 'array:2' }, deleted: [] }, 'tokenRotation'],
    [{ set: { refreshToken: 'map', connectedAt: 'timestamp', status: 'string' }, deleted: [] }, 'exchange'],
    [{ set: { status: 'string' }, deleted: [] }, 'other'],
  ])('tells %j as %s, by the fields it sets and deletes', (shape, kind) => {
    expect(writeKindOf(shape)).toBe(kind);
  });

  it('describes a stored document as the op counter describes written values', () => {
    const document = { status: 'active', nextRunAt: Timestamp.fromMillis(0), scopes: ['a', 'b'], profile: { name: null, verified: true }, attempts: 2 };
    expect(describeDocument(document)).toEqual({
      status: 'string',
      nextRunAt: 'timestamp',
      scopes: 'array:2',
      profile: 'map',
      'profile.name': 'null',
      'profile.verified': 'boolean',
      attempts: 'integer',
    });
  });
});
