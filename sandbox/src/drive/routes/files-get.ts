import { requestedByteRange } from '../byte-range';
import type { DriveCall, DriveReply } from '../drive-route';
import { driveErrors } from '../drive-error';
import { fileResource, specialFolderResource } from '../file-resource';
import { project } from '../fields';
import { isGoogleAppsType } from '../model';
import { visibleFile } from './file-access';
import { fieldsParam } from './fields-param';
import { fileIdOf } from './paths';

/** files.get: metadata (filtered by `fields`), or the bytes with `alt=media` (all, or the `Range` asked for). */
export function getFile(call: DriveCall): DriveReply {
  const url = call.request.url;
  const fileId = fileIdOf(call.request.params);
  const alt = url.searchParams.get('alt') ?? 'json';
  if (alt === 'media') return download(call, fileId);
  if (alt !== 'json') throw driveErrors.invalidParameter('alt');
  const mask = fieldsParam(url, 'File');

  const folder = call.drive.specialFolder(fileId);
  if (folder) {
    if (!call.visible.has(folder.space)) throw driveErrors.fileNotFound(fileId);
    return { kind: 'json', body: project(specialFolderResource(folder), mask) };
  }
  return { kind: 'json', body: project(fileResource(visibleFile(call, fileId)), mask) };
}

function download(call: DriveCall, fileId: string): DriveReply {
  const file = visibleFile(call, fileId);
  if (isGoogleAppsType(file.mimeType)) throw driveErrors.fileNotDownloadable();
  // Only the owner may acknowledge the risk, and every sandbox user owns every file it sees.
  if (file.abusive && call.request.url.searchParams.get('acknowledgeAbuse') !== 'true') throw driveErrors.cannotDownloadAbusiveFile();
  const size = file.content.length;
  const range = requestedByteRange(call.request.headers.range, size);
  if (range.kind === 'unsatisfiable') throw driveErrors.rangeNotSatisfiable(size);
  call.state.stats.download(call.grant.sub);
  if (range.kind === 'whole') return { kind: 'bytes', body: file.content, contentType: file.mimeType };
  return {
    kind: 'bytes',
    status: 206,
    body: file.content.subarray(range.first, range.last + 1),
    contentType: file.mimeType,
    headers: { 'content-range': `bytes ${range.first}-${range.last}/${size}` },
  };
}
