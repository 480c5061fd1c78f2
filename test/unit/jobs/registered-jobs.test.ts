import { Firestore } from '@google-cloud/firestore';
import { USER_EVENTS_OFF } from '../../../functions/src/events/user-events';
import { loadPhotosConfig } from '../../../functions/src/google-photos/photos-config';
import { PHOTOS_SCOPES } from '../../../functions/src/google-photos/photos-scopes';
import { registeredJobs } from '../../../functions/src/jobs';

describe('registeredJobs', () => {
  // Never used to connect: building the jobs only keeps references.
  const deps = { db: new Firestore({ projectId: 'registered-jobs-unit' }), usersCollection: 'users', events: USER_EVENTS_OFF, photos: loadPhotosConfig({}) };

  it('runs the Drive photo enhancement (app data folder only), then the Google Photos picks (the three Photos scopes)', () => {
    const jobs = registeredJobs(deps);
    expect(jobs.map((job) => [job.name, job.requiredScopes])).toEqual([
      ['photo-enhancement', ['https://www.googleapis.com/auth/drive.appdata']],
      ['photos-picker', [...PHOTOS_SCOPES]],
    ]);
  });

  it('names every job uniquely: the worker keys saved cursors by name', () => {
    const names = registeredJobs(deps).map((job) => job.name);
    expect(new Set(names).size).toBe(names.length);
  });
});
