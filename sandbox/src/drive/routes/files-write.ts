import type { DriveCall, DriveReply } from '../drive-route';
import { driveErrors } from '../drive-error';
import { fileResource } from '../file-resource';
import { type FieldMask, project } from '../fields';
import { newFileFromMetadata, parseMetadataJson, patchFromMetadata } from '../metadata-input';
import type { StoredFile } from '../model';
import type { FilePatch, NewFile } from '../user-drive';
import { assertCanWriteIn, visibleFile } from './file-access';
import { fieldsParam } from './fields-param';
import { fileIdOf } from './paths';

/** files.create without content (POST /drive/v3/files). */
export function createFileMetadataOnly(call: DriveCall): DriveReply {
  const mask = fieldsParam(call.request.url, 'File');
  const file = createChecked(call, newFileFromMetadata(parseMetadataJson(call.request.body)));
  return fileReply(mask, file);
}

/** files.update of metadata (PATCH /drive/v3/files/{fileId}). */
export function updateFileMetadata(call: DriveCall): DriveReply {
  const mask = fieldsParam(call.request.url, 'File');
  const file = updateChecked(call, fileIdOf(call.request.params), patchFromMetadata(parseMetadataJson(call.request.body)));
  return fileReply(mask, file);
}

/** files.delete: permanent, no trash (DELETE /drive/v3/files/{fileId}). */
export function deleteFile(call: DriveCall): DriveReply {
  const file = visibleFile(call, fileIdOf(call.request.params));
  call.drive.delete(file.id);
  return { kind: 'empty', status: 204 };
}

/** Creates after checking the target space against the token, as every create path must. */
export function createChecked(call: DriveCall, input: NewFile): StoredFile {
  assertCanWriteIn(call, call.drive.placementOf(input.parents).space);
  return call.drive.create(input);
}

export function updateChecked(call: DriveCall, fileId: string, patch: FilePatch): StoredFile {
  const url = call.request.url;
  if (url.searchParams.has('addParents') || url.searchParams.has('removeParents')) {
    throw driveErrors.badRequest('The sandbox Drive does not move files between folders (addParents/removeParents).');
  }
  const file = visibleFile(call, fileId);
  return call.drive.update(file.id, patch);
}

/** The mask is parsed before any write, so a bad `fields` never leaves a half-done change behind. */
export function fileReply(mask: FieldMask, file: StoredFile): DriveReply {
  return { kind: 'json', body: project(fileResource(file), mask) };
}
