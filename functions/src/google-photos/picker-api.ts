import type { Download, PhotosHttp } from './photos-http';

/**
 * The Google Photos Picker API (https://developers.google.com/photos/picker/reference/rest):
 * sessions the user picks photos in, and the items picked. Field names as Google sends them.
 */
export interface PickingSession {
  id: string;
  pickerUri: string;
  /** Only while `mediaItemsSet` is false. Durations as Google writes them: `"5s"`, `"3.5s"`. */
  pollingConfig?: { pollInterval?: string; timeoutIn?: string };
  /** RFC 3339: when the session and its picked items can no longer be read. */
  expireTime: string;
  mediaItemsSet?: boolean;
}

export type PickedMediaType = 'TYPE_UNSPECIFIED' | 'PHOTO' | 'VIDEO';

export interface PickedMediaItem {
  id: string;
  createTime?: string;
  type?: PickedMediaType;
  mediaFile?: {
    /** Valid 60 minutes; append `=d` for the original bytes; needs the user's bearer token. */
    baseUrl?: string;
    mimeType?: string;
    filename?: string;
    mediaFileMetadata?: { width?: number; height?: number };
  };
}

export interface PickedPage {
  mediaItems: PickedMediaItem[];
  nextPageToken: string | undefined;
}

/** mediaItems.list's largest page (larger values are coerced to it). */
export const PICKED_PAGE_SIZE = 100;

export interface PickerApi {
  createSession(): Promise<PickingSession>;
  getSession(sessionId: string): Promise<PickingSession>;
  /** `{}` at Google; NOT_FOUND when it is gone already. */
  deleteSession(sessionId: string): Promise<void>;
  listPicked(sessionId: string, pageToken: string | undefined): Promise<PickedPage>;
  /** The original bytes (`baseUrl=d`). */
  download(baseUrl: string, maxBytes: number): Promise<Download>;
}

export function createPickerApi(http: PhotosHttp, rootUrl: string): PickerApi {
  const sessions = `${rootUrl}/v1/sessions`;
  return {
    // A create is not repeated on failure: a session that was made is only an unused session.
    createSession: () => http.json<PickingSession>('sessions.create', { method: 'POST', url: sessions, data: {} }),
    getSession: (sessionId) => http.json<PickingSession>('sessions.get', { method: 'GET', url: `${sessions}/${encodeURIComponent(sessionId)}` }),
    async deleteSession(sessionId) {
      await http.json<unknown>('sessions.delete', { method: 'DELETE', url: `${sessions}/${encodeURIComponent(sessionId)}` });
    },
    async listPicked(sessionId, pageToken) {
      const data = await http.json<{ mediaItems?: PickedMediaItem[]; nextPageToken?: string }>('mediaItems.list', {
        method: 'GET',
        url: `${rootUrl}/v1/mediaItems`,
        params: { sessionId, pageSize: PICKED_PAGE_SIZE, ...(pageToken ? { pageToken } : {}) },
      });
      return { mediaItems: data.mediaItems ?? [], nextPageToken: data.nextPageToken || undefined };
    },
    download: (baseUrl, maxBytes) => http.bytes('baseUrl download', `${baseUrl}=d`, maxBytes),
  };
}

/** Google's Duration JSON (`"5s"`, `"3.5s"`) in seconds; undefined when it is not one. */
export function durationSeconds(value: string | undefined): number | undefined {
  const match = /^(\d+(?:\.\d{1,9})?)s$/.exec(value ?? '');
  return match ? Number(match[1]) : undefined;
}
