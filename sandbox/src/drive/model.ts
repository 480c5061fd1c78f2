/**
 * What the sandbox keeps for one Drive file. Spaces are Drive's: files under the app data folder
 * live in "appDataFolder", everything else in "drive" (My Drive).
 */
export type DriveSpace = 'drive' | 'appDataFolder';

export const FOLDER_MIME_TYPE = 'application/vnd.google-apps.folder';

export interface StoredFile {
  readonly id: string;
  /** Creation order, the default list order and the tie-breaker of every other order. */
  readonly seq: number;
  readonly space: DriveSpace;
  name: string;
  mimeType: string;
  /** Real folder ids (never the "appDataFolder"/"root" aliases), as Drive reports them. */
  parents: string[];
  appProperties: Record<string, string>;
  trashed: boolean;
  trashedTime: number | undefined;
  content: Buffer;
  /** Drive flagged the content as malware or spam: a download needs `acknowledgeAbuse=true`. */
  abusive: boolean;
  md5Checksum: string;
  createdTime: number;
  modifiedTime: number;
  version: number;
}

/** Google-apps types (folders, Docs) have no binary content, hence no size or checksum. */
export function isGoogleAppsType(mimeType: string): boolean {
  return mimeType.startsWith('application/vnd.google-apps.');
}
