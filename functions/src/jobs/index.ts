export type { JobCursor, JsonValue, OfflineJob, OfflineJobContext, OfflineJobResult } from './offline-job';
export { isOfflineJobError, OfflineJobError, type OfflineJobErrorCode } from './offline-job-error';
export { registeredJobs } from './registered-jobs';
