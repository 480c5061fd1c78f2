import type { ChangeEntry } from '../change-log';
import type { DriveCall, DriveReply } from '../drive-route';
import { driveErrors } from '../drive-error';
import { fileResource } from '../file-resource';
import { project } from '../fields';
import { assertSpacesAllowed, booleanParam, pageSizeParam, spacesParam } from '../params';
import { rfc3339 } from '../time';
import { fieldsParam } from './fields-param';

/** changes.getStartPageToken: the token from which later changes will be listed. */
export function getStartPageToken(call: DriveCall): DriveReply {
  const mask = fieldsParam(call.request.url, 'StartPageToken');
  const body = { kind: 'drive#startPageToken', startPageToken: String(call.drive.changes.startPageToken()) };
  return { kind: 'json', body: project(body, mask) };
}

/**
 * changes.list: the changes since `pageToken` in the requested spaces. While more remain the
 * answer carries `nextPageToken`; the last page carries `newStartPageToken` instead, which the
 * client saves for its next run.
 */
export function listChanges(call: DriveCall): DriveReply {
  const url = call.request.url;
  const token = pageTokenParam(call);
  const spaces = spacesParam(url);
  assertSpacesAllowed(spaces, call.visible);
  const pageSize = pageSizeParam(url);
  const includeRemoved = booleanParam(url, 'includeRemoved', true);
  const mask = fieldsParam(url, 'ChangeList');

  const keep = (entry: ChangeEntry) =>
    spaces.has(entry.space) && call.visible.has(entry.space) && (includeRemoved || !entry.removed);
  const found = call.drive.changes.since(token, keep, pageSize + 1);
  const page = found.slice(0, pageSize);
  const last = page.at(-1);
  const more = found.length > pageSize && last !== undefined;
  const body = {
    kind: 'drive#changeList',
    ...(more ? { nextPageToken: String(last.changeId + 1) } : { newStartPageToken: String(call.drive.changes.startPageToken()) }),
    changes: page.map((entry) => changeResource(call, entry)),
  };
  return { kind: 'json', body: project(body, mask) };
}

function pageTokenParam(call: DriveCall): number {
  const raw = call.request.url.searchParams.get('pageToken');
  if (raw === null || raw === '') throw driveErrors.requiredParameter('pageToken');
  const token = /^\d+$/.test(raw) ? Number(raw) : Number.NaN;
  if (!call.drive.changes.isValidToken(token)) throw driveErrors.invalidParameter('pageToken');
  return token;
}

function changeResource(call: DriveCall, entry: ChangeEntry): Record<string, unknown> {
  const file = entry.removed ? undefined : call.drive.get(entry.fileId);
  return {
    kind: 'drive#change',
    changeType: 'file',
    fileId: entry.fileId,
    removed: entry.removed,
    time: rfc3339(entry.time),
    ...(file ? { file: fileResource(file) } : {}),
  };
}
