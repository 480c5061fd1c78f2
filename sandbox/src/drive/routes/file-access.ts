import type { DriveCall } from '../drive-route';
import { driveErrors } from '../drive-error';
import type { DriveSpace, StoredFile } from '../model';

/** A file the caller's token may see; anything else is "not found", as Drive never admits it exists. */
export function visibleFile(call: DriveCall, fileId: string): StoredFile {
  const file = call.drive.get(fileId);
  if (!file || !call.visible.has(file.space)) throw driveErrors.fileNotFound(fileId);
  return file;
}

/** Creating in a space the token cannot see is a scope problem, not a missing folder. */
export function assertCanWriteIn(call: DriveCall, space: DriveSpace): void {
  if (call.visible.has(space)) return;
  throw driveErrors.insufficientScopes(
    space === 'appDataFolder' ? 'The granted scopes do not allow use of the Application Data folder.' : 'Insufficient Permission',
  );
}
