import type { DriveCall, DriveReply } from '../drive-route';
import { newFileFromMetadata, parseMetadataJson, patchFromMetadata } from '../metadata-input';
import { readSimpleUpload, uploadTypeOf } from '../upload-body';
import { assertCanWriteIn, visibleFile } from './file-access';
import { fieldsParam } from './fields-param';
import { createChecked, fileReply, updateChecked } from './files-write';
import { fileIdOf } from './paths';
import { openResumableSession } from './resumable';

/** files.create with content: POST /upload/drive/v3/files?uploadType=multipart|media|resumable. */
export function uploadNewFile(call: DriveCall): DriveReply {
  const url = call.request.url;
  const mask = fieldsParam(url, 'File');
  const type = uploadTypeOf(url);
  if (type === 'resumable') {
    const file = newFileFromMetadata(parseMetadataJson(call.request.body));
    assertCanWriteIn(call, call.drive.placementOf(file.parents).space);
    return openResumableSession(call, { kind: 'create', file }, mask);
  }
  const upload = readSimpleUpload(call.request, type);
  const input = newFileFromMetadata(upload.metadata);
  const file = createChecked(call, { ...input, mimeType: input.mimeType ?? upload.mediaType, content: upload.content });
  call.state.stats.upload(call.grant.sub);
  return fileReply(mask, file);
}

/** files.update with content: PATCH /upload/drive/v3/files/{fileId}?uploadType=... */
export function uploadFileContent(call: DriveCall): DriveReply {
  const url = call.request.url;
  const fileId = fileIdOf(call.request.params);
  const mask = fieldsParam(url, 'File');
  const type = uploadTypeOf(url);
  if (type === 'resumable') {
    const patch = patchFromMetadata(parseMetadataJson(call.request.body));
    return openResumableSession(call, { kind: 'update', fileId: visibleFile(call, fileId).id, patch }, mask);
  }
  const upload = readSimpleUpload(call.request, type);
  const file = updateChecked(call, fileId, { ...patchFromMetadata(upload.metadata), content: upload.content });
  call.state.stats.upload(call.grant.sub);
  return fileReply(mask, file);
}
