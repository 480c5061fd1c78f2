import type { Route } from '../../http';
import { driveRoute, type DriveRouteSpec } from '../drive-route';
import type { DriveState } from '../drive-state';
import { getAbout } from './about';
import { getStartPageToken, listChanges } from './changes';
import { getFile } from './files-get';
import { listFiles } from './files-list';
import { createFileMetadataOnly, deleteFile, updateFileMetadata } from './files-write';
import { DRIVE_PATHS } from './paths';
import { continueResumableUpload } from './resumable';
import { uploadFileContent, uploadNewFile } from './uploads';

/** Every Drive v3 method the sandbox serves, at Drive's own paths. */
const SPECS: readonly DriveRouteSpec[] = [
  { method: 'GET', path: DRIVE_PATHS.files, driveMethod: 'files.list', access: 'read', handle: listFiles },
  { method: 'POST', path: DRIVE_PATHS.files, driveMethod: 'files.create', access: 'write', handle: createFileMetadataOnly },
  { method: 'GET', path: DRIVE_PATHS.file, driveMethod: 'files.get', access: 'read', handle: getFile },
  { method: 'PATCH', path: DRIVE_PATHS.file, driveMethod: 'files.update', access: 'write', handle: updateFileMetadata },
  { method: 'DELETE', path: DRIVE_PATHS.file, driveMethod: 'files.delete', access: 'write', handle: deleteFile },
  { method: 'POST', path: DRIVE_PATHS.uploadFiles, driveMethod: 'files.create', access: 'write', handle: uploadNewFile },
  { method: 'PUT', path: DRIVE_PATHS.uploadFiles, driveMethod: 'files.create', access: 'write', handle: continueResumableUpload },
  { method: 'PATCH', path: DRIVE_PATHS.uploadFile, driveMethod: 'files.update', access: 'write', handle: uploadFileContent },
  { method: 'PUT', path: DRIVE_PATHS.uploadFile, driveMethod: 'files.update', access: 'write', handle: continueResumableUpload },
  { method: 'GET', path: DRIVE_PATHS.startPageToken, driveMethod: 'changes.getStartPageToken', access: 'read', handle: getStartPageToken },
  { method: 'GET', path: DRIVE_PATHS.changes, driveMethod: 'changes.list', access: 'read', handle: listChanges },
  { method: 'GET', path: DRIVE_PATHS.about, driveMethod: 'about.get', access: 'read', handle: getAbout },
];

export function driveApiRoutes(state: DriveState): Route[] {
  return SPECS.map((spec) => driveRoute(state, spec));
}
