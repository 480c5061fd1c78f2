import { ConfigError, loadFirestoreConfig } from '../../../functions/src/config';

describe('loadFirestoreConfig', () => {
  it('needs the project and defaults the collection to users', () => {
    expect(loadFirestoreConfig({ GOOGLE_CLOUD_PROJECT: 'p' })).toEqual({ projectId: 'p', usersCollection: 'users' });
    expect(() => loadFirestoreConfig({})).toThrow(/GOOGLE_CLOUD_PROJECT is required/);
  });

  it('rejects a collection id with a path in it', () => {
    expect(() => loadFirestoreConfig({ GOOGLE_CLOUD_PROJECT: 'p', USERS_COLLECTION: 'a/b' })).toThrow(ConfigError);
  });
});
