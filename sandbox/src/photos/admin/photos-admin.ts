import { SandboxAdminError } from '../../admin/admin-error';
import {
  parseAdminInput,
  type PhotosPickInput,
  photosPickSchema,
  photosSessionSchema,
  type PhotosSessionTiming,
  photosSessionTimingSchema,
  userSchema,
} from '../../admin/admin-schemas';
import { imageSize } from '../image-size';
import type { PhotosState } from '../photos-state';
import { DEFAULT_MAX_ITEM_COUNT, type PickingSession } from '../picker/sessions';
import { timestamp } from '../wire-format';

export interface PhotosSessionSnapshot {
  id: string;
  mediaItemsSet: boolean;
  expireTime: string;
  deleted: boolean;
  pickedCount: number;
}

export interface PhotosAlbumSnapshot {
  id: string;
  title: string;
  mediaItems: { id: string; filename: string; description: string; mimeType: string; bytes: number; sha256: string }[];
}

/**
 * The Photos part of the sandbox's admin API (in process as `google.admin.photos*`, over HTTP as
 * `/__admin/photos-*`): play the user picking in Google Photos, end a session early, change the
 * timing of new sessions, and read back sessions and what each album holds.
 */
export interface PhotosAdmin {
  /** The user picks these items and taps Done: the session's `mediaItemsSet` becomes true. */
  photosPick(input: PhotosPickInput): { mediaItemIds: string[] };
  /** The session expires now. */
  photosExpireSession(sessionId: string): void;
  /** Poll interval and lifetime of sessions created from now on (reset restores 5 s and 30 minutes). */
  photosSetSessionTiming(timing: PhotosSessionTiming): void;
  photosSessions(sub: string): PhotosSessionSnapshot[];
  photosAlbums(sub: string): PhotosAlbumSnapshot[];
}

export function createPhotosAdmin(state: PhotosState): PhotosAdmin {
  return {
    photosPick: (input) => pick(state, parseAdminInput(photosPickSchema, input)),
    photosExpireSession: (sessionId) => {
      const session = existing(state, parseAdminInput(photosSessionSchema, { sessionId }).sessionId);
      session.expireAt = Math.min(session.expireAt, state.context.now());
    },
    photosSetSessionTiming: (timing) => {
      const parsed = parseAdminInput(photosSessionTimingSchema, timing);
      state.sessions.setTiming({
        ...(parsed.pollIntervalSeconds === undefined ? {} : { pollIntervalMs: Math.round(parsed.pollIntervalSeconds * 1000) }),
        ...(parsed.timeoutInSeconds === undefined ? {} : { timeoutInMs: Math.round(parsed.timeoutInSeconds * 1000) }),
      });
    },
    photosSessions: (sub) =>
      state.sessions.ofUser(parseAdminInput(userSchema, { sub }).sub).map((session) => ({
        id: session.id,
        mediaItemsSet: session.mediaItemsSet,
        expireTime: timestamp(session.expireAt),
        deleted: session.deleted,
        pickedCount: session.items.length,
      })),
    photosAlbums: (sub) =>
      state.library.albumsOf(parseAdminInput(userSchema, { sub }).sub).map((album) => ({
        id: album.id,
        title: album.title,
        mediaItems: state.library.itemsIn(album).map((item) => ({
          id: item.id,
          filename: item.filename,
          description: item.description,
          mimeType: item.mimeType,
          bytes: item.bytes.length,
          sha256: item.sha256,
        })),
      })),
  };
}

function pick(state: PhotosState, input: ReturnType<typeof photosPickSchema.parse>): { mediaItemIds: string[] } {
  const session = existing(state, input.sessionId);
  if (session.deleted) throw new SandboxAdminError('session_deleted', 'the app deleted this session');
  if (state.sessions.isExpired(session)) throw new SandboxAdminError('session_expired', 'the session has expired');
  if (session.mediaItemsSet) throw new SandboxAdminError('session_already_picked', 'the user already picked in this session (its pickerUri no longer works)');
  const max = session.maxItemCount ?? DEFAULT_MAX_ITEM_COUNT;
  if (input.items.length > max) throw new SandboxAdminError('too_many_items', `the session allows at most ${max} items`);
  const picked = state.sessions.pick(
    session,
    input.items.map((item) => {
      const bytes = Buffer.from(item.base64, 'base64');
      const size = imageSize(bytes);
      return {
        type: item.type ?? (item.mimeType.startsWith('video/') ? 'VIDEO' : 'PHOTO'),
        filename: item.filename,
        mimeType: item.mimeType,
        bytes,
        width: item.width ?? size?.width ?? 0,
        height: item.height ?? size?.height ?? 0,
      };
    }),
  );
  return { mediaItemIds: picked.map((item) => item.id) };
}

function existing(state: PhotosState, sessionId: string): PickingSession {
  const session = state.sessions.find(sessionId);
  if (!session) throw new SandboxAdminError('session_not_found', 'no Picker session has this id');
  return session;
}
