import { registeredJobs } from '../../../functions/src/jobs';

describe('registeredJobs', () => {
  it('runs the photo enhancement, which needs only the app data folder', () => {
    const jobs = registeredJobs();
    expect(jobs.map((job) => [job.name, job.requiredScopes])).toEqual([
      ['photo-enhancement', ['https://www.googleapis.com/auth/drive.appdata']],
    ]);
  });

  it('names every job uniquely: the worker keys saved cursors by name', () => {
    const names = registeredJobs().map((job) => job.name);
    expect(new Set(names).size).toBe(names.length);
  });
});
