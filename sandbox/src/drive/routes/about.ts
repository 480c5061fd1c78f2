import type { DriveCall, DriveReply } from '../drive-route';
import { driveErrors } from '../drive-error';
import { parseFieldMask, project } from '../fields';
import { permissionIdFor } from '../ids';

/** Drive's 5 TB upload cap, the same for every account. */
const MAX_UPLOAD_SIZE = String(5 * 1024 ** 4);

/** about.get: the user and their storage quota. Like Drive, it insists on `fields`. */
export function getAbout(call: DriveCall): DriveReply {
  const fields = call.request.url.searchParams.get('fields');
  if (fields === null || fields.trim() === '') {
    throw driveErrors.requiredParameter('fields', "The 'fields' parameter is required for this method.");
  }
  const mask = parseFieldMask(fields, 'About');
  const body = {
    kind: 'drive#about',
    user: userResource(call),
    storageQuota: storageQuota(call),
    maxUploadSize: MAX_UPLOAD_SIZE,
    appInstalled: true,
  };
  return { kind: 'json', body: project(body, mask) };
}

function userResource(call: DriveCall): Record<string, unknown> {
  const sub = call.grant.sub;
  const profile = call.state.context.userProfile?.(sub);
  return {
    kind: 'drive#user',
    displayName: profile?.displayName ?? `Sandbox user ${sub}`,
    emailAddress: profile?.emailAddress ?? `${sub}@users.sandbox.invalid`,
    me: true,
    permissionId: permissionIdFor(sub),
  };
}

/** The user's limit (see storage-quota.ts); with unlimited storage Drive leaves `limit` out. */
function storageQuota(call: DriveCall): Record<string, string> {
  let usageInDrive = 0;
  let usageInDriveTrash = 0;
  for (const file of call.drive.all()) {
    if (file.space !== 'drive') continue;
    if (file.trashed) usageInDriveTrash += file.content.length;
    else usageInDrive += file.content.length;
  }
  const limit = call.drive.storageLimit;
  return {
    ...(limit === null ? {} : { limit: String(limit) }),
    usage: String(call.drive.usageBytes()),
    usageInDrive: String(usageInDrive),
    usageInDriveTrash: String(usageInDriveTrash),
  };
}
