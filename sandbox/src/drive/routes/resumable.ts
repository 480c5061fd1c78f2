import { driveErrors } from '../drive-error';
import type { DriveCall, DriveReply } from '../drive-route';
import type { FieldMask } from '../fields';
import { parseContentRange } from '../content-range';
import { baseType } from '../upload-body';
import type { UploadSession, UploadTarget } from '../upload-sessions';
import { createChecked, fileReply, updateChecked } from './files-write';

/**
 * Resumable uploads: the initiating request answers 200 with the session URI in `Location`; PUTs
 * to it carry the bytes, in one go or in chunks (308 + `Range` until the last one), and the last
 * one answers with the file.
 */
export function openResumableSession(call: DriveCall, target: UploadTarget, mask: FieldMask): DriveReply {
  const contentType = baseType(headerValue(call.request.headers['x-upload-content-type']));
  const session = call.state.uploads.open(call.grant.sub, target, contentType, mask);
  const path = target.kind === 'create' ? '/upload/drive/v3/files' : `/upload/drive/v3/files/${encodeURIComponent(target.fileId)}`;
  const location = `${originOf(call)}${path}?uploadType=resumable&upload_id=${session.id}`;
  return { kind: 'empty', status: 200, headers: { location, 'x-guploader-uploadid': session.id } };
}

/** PUT to a session URI. */
export function continueResumableUpload(call: DriveCall): DriveReply {
  const uploadId = call.request.url.searchParams.get('upload_id') ?? '';
  const session = call.state.uploads.find(uploadId, call.grant.sub);
  if (!session) throw driveErrors.notFound('No upload session with this upload_id.');
  const range = parseContentRange(headerValue(call.request.headers['content-range']));
  if (!range) throw driveErrors.badRequest('Malformed Content-Range header.');

  if (range.kind === 'whole') return finish(call, session, call.request.body);
  if (range.kind === 'query') {
    return range.total === session.received.length ? finish(call, session, session.received) : incomplete(session);
  }
  const expectedLength = range.last - range.first + 1;
  if (range.first !== session.received.length || expectedLength !== call.request.body.length) {
    throw driveErrors.badRequest('The chunk does not continue the upload where it stopped.');
  }
  session.received = Buffer.concat([session.received, call.request.body]);
  return range.total === session.received.length ? finish(call, session, session.received) : incomplete(session);
}

function incomplete(session: UploadSession): DriveReply {
  const headers: Record<string, string> = session.received.length > 0 ? { range: `bytes=0-${session.received.length - 1}` } : {};
  return { kind: 'empty', status: 308, headers };
}

function finish(call: DriveCall, session: UploadSession, content: Buffer): DriveReply {
  call.state.uploads.close(session.id);
  const { target } = session;
  const file =
    target.kind === 'create'
      ? createChecked(call, { ...target.file, mimeType: target.file.mimeType ?? session.contentType, content })
      : updateChecked(call, target.fileId, { ...target.patch, content });
  call.state.stats.upload(call.grant.sub);
  return fileReply(session.mask, file);
}

/** The server may build request URLs without the port; the Host header is what the client dialled. */
function originOf(call: DriveCall): string {
  const host = call.request.headers.host;
  return host ? `http://${host}` : call.request.url.origin;
}

function headerValue(value: string | string[] | undefined): string | undefined {
  return Array.isArray(value) ? value[0] : value;
}
