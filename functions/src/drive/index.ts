export { createDriveClient, mediaUploadOptions, type DriveClientOptions, type DriveCredentials } from './drive-client';
export { loadDriveConfig, type DriveConfig } from './drive-config';
export { classifyApiFailure, type ApiFailure, type ApiFailureCode } from '../google/api-failure';
export { type DriveRetryPolicy } from './retry-policy';
export { driveCall, DriveCallError, isDriveCallError } from './drive-call';
