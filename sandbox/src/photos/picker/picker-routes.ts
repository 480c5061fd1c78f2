import { z } from 'zod';
import type { Route } from '../../http';
import { photosErrors, type RpcName } from '../photos-error';
import { type PhotosCall, type PhotosReply, photosRoute, type PhotosRouteSpec } from '../photos-route';
import type { PhotosState } from '../photos-state';
import { decodePageToken, decodePathParam, duration, pageOf, pageSizeOf, parseJsonBody, timestamp } from '../wire-format';
import { MEDIA_PATH_PREFIX } from './base-urls';
import type { PickedItem, PickingSession } from './sessions';

/** The Picker API at `<root>/v1/...`, with root `<sandbox>/photospicker` (Google: https://photospicker.googleapis.com). */
export const PICKER_PREFIX = '/photospicker';

const SESSION_ID = '(?<sessionId>[^/]+)';
const PATHS = {
  sessions: new RegExp(`^${PICKER_PREFIX}/v1/sessions$`),
  session: new RegExp(`^${PICKER_PREFIX}/v1/sessions/${SESSION_ID}$`),
  mediaItems: new RegExp(`^${PICKER_PREFIX}/v1/mediaItems$`),
  media: new RegExp(`^${MEDIA_PATH_PREFIX}/(?<key>[A-Za-z0-9_-]+)(?:=(?<options>[A-Za-z0-9-]*))?$`),
} as const;

const rpc = (method: string): RpcName => ({ service: 'photospicker.googleapis.com', method: `google.photos.picker.v1.PickingService.${method}` });

/** mediaItems.list: "If unspecified or set to 0, at most 50 ... The maximum value is 100; values above 100 will be coerced to 100." */
const LIST_PAGE = { default: 50, max: 100 } as const;

const UUID_V4 = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/i;

/** The request body is a PickingSession; only pickingConfig is settable, output-only fields are ignored. */
const createBodySchema = z.strictObject({
  pickingConfig: z.strictObject({ maxItemCount: z.union([z.string().regex(/^-?\d+$/), z.number().int()]).optional() }).optional(),
  id: z.unknown().optional(),
  pickerUri: z.unknown().optional(),
  pollingConfig: z.unknown().optional(),
  expireTime: z.unknown().optional(),
  mediaItemsSet: z.unknown().optional(),
});

const SPECS: readonly PhotosRouteSpec[] = [
  { method: 'POST', path: PATHS.sessions, photosMethod: 'sessions.create', access: 'picker', rpc: rpc('CreateSession'), handle: createSession },
  { method: 'GET', path: PATHS.session, photosMethod: 'sessions.get', access: 'picker', rpc: rpc('GetSession'), handle: getSession },
  { method: 'DELETE', path: PATHS.session, photosMethod: 'sessions.delete', access: 'picker', rpc: rpc('DeleteSession'), handle: deleteSession },
  { method: 'GET', path: PATHS.mediaItems, photosMethod: 'mediaItems.list', access: 'picker', rpc: rpc('ListMediaItems'), handle: listMediaItems },
  { method: 'GET', path: PATHS.media, photosMethod: 'download', access: 'picker', rpc: rpc('ListMediaItems'), kind: 'media', handle: download },
];

export function pickerRoutes(state: PhotosState): Route[] {
  return SPECS.map((spec) => photosRoute(state, spec));
}

function createSession({ request, grant, state }: PhotosCall): PhotosReply {
  const requestId = request.url.searchParams.get('requestId');
  if (requestId !== null && !UUID_V4.test(requestId)) throw photosErrors.invalidArgument('Request ID must be a UUID v4 string.');
  const body = parseJsonBody(request.body, createBodySchema);
  const raw = body.pickingConfig?.maxItemCount;
  const maxItemCount = raw === undefined ? undefined : Number(raw);
  if (maxItemCount !== undefined && maxItemCount <= 0) throw photosErrors.invalidArgument('maxItemCount must be positive.');
  return { kind: 'json', body: sessionJson(state, state.sessions.create(grant.sub, maxItemCount)) };
}

function getSession(call: PhotosCall): PhotosReply {
  return { kind: 'json', body: sessionJson(call.state, ownSession(call, sessionIdOf(call))) };
}

/** Google: the body is `{}`; NOT_FOUND if the session does not exist or is not the user's. An expired one may still be deleted. */
function deleteSession(call: PhotosCall): PhotosReply {
  const sessionId = sessionIdOf(call);
  const lookup = call.state.sessions.lookup(call.grant.sub, sessionId);
  if (!lookup.ok && lookup.reason === 'not_found') throw photosErrors.notFound();
  const session = call.state.sessions.find(sessionId);
  if (session) session.deleted = true;
  return { kind: 'json', body: {} };
}

function listMediaItems(call: PhotosCall): PhotosReply {
  const query = call.request.url.searchParams;
  const sessionId = query.get('sessionId');
  if (!sessionId) throw photosErrors.invalidArgument('Session ID is required.');
  const session = ownSession(call, sessionId);
  if (!session.mediaItemsSet) throw photosErrors.failedPrecondition('The user has not finished picking media items.');
  const pageSize = pageSizeOf(query.get('pageSize') ?? undefined, LIST_PAGE);
  const offset = decodePageToken(query.get('pageToken') ?? undefined, `picker:${session.id}`);
  const { page, nextPageToken } = pageOf(session.items, offset, pageSize, `picker:${session.id}`);
  call.state.baseUrls.forgetExpired();
  const origin = call.state.context.origin();
  const mediaItems = page.map((item) => pickedItemJson(item, call.state.baseUrls.mint(origin, session, item)));
  // Google leaves empty repeated fields and absent tokens out of the JSON.
  return { kind: 'json', body: { ...(mediaItems.length > 0 ? { mediaItems } : {}), ...(nextPageToken ? { nextPageToken } : {}) } };
}

/** `=d`, `=w{W}-h{H}` and friends all answer the original bytes: the sandbox does not resize. */
function download({ request, grant, state }: PhotosCall): PhotosReply {
  const item = state.baseUrls.resolve(request.params.key ?? '', grant.sub);
  if (!item) return { kind: 'forbidden' };
  return { kind: 'bytes', body: item.bytes, contentType: item.mimeType };
}

/** Google: NOT_FOUND if the session does not exist or is not the user's; PERMISSION_DENIED once access to it has expired. */
function ownSession({ grant, state }: PhotosCall, sessionId: string): PickingSession {
  const lookup = state.sessions.lookup(grant.sub, sessionId);
  if (lookup.ok) return lookup.session;
  throw lookup.reason === 'expired' ? photosErrors.permissionDenied('Access to the session has expired.') : photosErrors.notFound();
}

function sessionIdOf({ request }: PhotosCall): string {
  return decodePathParam(request.params.sessionId ?? '');
}

/** A PickingSession in Google's JSON: pollingConfig only while the user is still picking. */
function sessionJson(state: PhotosState, session: PickingSession): Record<string, unknown> {
  const timeoutInMs = Math.max(0, session.expireAt - state.context.now());
  return {
    id: session.id,
    pickerUri: `https://photos.google.com/picker/${session.id}`,
    ...(session.mediaItemsSet ? {} : { pollingConfig: { pollInterval: duration(session.pollIntervalMs), timeoutIn: duration(timeoutInMs) } }),
    expireTime: timestamp(session.expireAt),
    ...(session.maxItemCount === undefined ? {} : { pickingConfig: { maxItemCount: String(session.maxItemCount) } }),
    mediaItemsSet: session.mediaItemsSet,
  };
}

function pickedItemJson(item: PickedItem, baseUrl: string): Record<string, unknown> {
  return {
    id: item.id,
    createTime: timestamp(item.createTime),
    type: item.type,
    mediaFile: {
      baseUrl,
      mimeType: item.mimeType,
      filename: item.filename,
      mediaFileMetadata: {
        width: item.width,
        height: item.height,
        ...(item.type === 'VIDEO' ? { videoMetadata: { processingStatus: 'READY' } } : { photoMetadata: {} }),
      },
    },
  };
}
