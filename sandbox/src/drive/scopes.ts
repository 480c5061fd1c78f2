import type { DriveSpace } from './model';

const SCOPE = 'https://www.googleapis.com/auth/';
export const DRIVE_SCOPE = `${SCOPE}drive`;
export const DRIVE_APPDATA_SCOPE = `${SCOPE}drive.appdata`;
export const DRIVE_FILE_SCOPE = `${SCOPE}drive.file`;

/** Which scopes let a token call a method at all (from the discovery document's `scopes`). */
export type MethodAccess = 'read' | 'write';

const WRITE_SCOPES = [DRIVE_SCOPE, DRIVE_APPDATA_SCOPE, DRIVE_FILE_SCOPE];
const READ_SCOPES = [
  ...WRITE_SCOPES,
  `${SCOPE}drive.metadata`,
  `${SCOPE}drive.metadata.readonly`,
  `${SCOPE}drive.photos.readonly`,
  `${SCOPE}drive.readonly`,
];

export function mayCallMethod(granted: readonly string[], access: MethodAccess): boolean {
  const accepted = access === 'read' ? READ_SCOPES : WRITE_SCOPES;
  return granted.some((scope) => accepted.includes(scope));
}

/**
 * Which spaces a token sees. The app data folder needs drive.appdata (or full drive); My Drive
 * needs drive or drive.file. The sandbox's drive.file is generous (every file counts as opened by
 * the app), which is fine: the product only uses the app data folder.
 */
export function visibleSpaces(granted: readonly string[]): ReadonlySet<DriveSpace> {
  const spaces = new Set<DriveSpace>();
  if (granted.includes(DRIVE_SCOPE) || granted.includes(DRIVE_APPDATA_SCOPE)) spaces.add('appDataFolder');
  if (granted.includes(DRIVE_SCOPE) || granted.includes(DRIVE_FILE_SCOPE)) spaces.add('drive');
  return spaces;
}
