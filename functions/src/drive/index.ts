export { createDriveClient, mediaUploadOptions, type DriveClientOptions, type DriveCredentials } from './drive-client';
export { loadDriveConfig, type DriveConfig } from './drive-config';
export { classifyDriveFailure, type DriveFailure, type DriveFailureCode } from './drive-failure';
export { type DriveRetryPolicy } from './retry-policy';
export { driveCall, DriveCallError, isDriveCallError } from './drive-call';
