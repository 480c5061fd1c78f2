import { driveErrors } from './drive-error';

/** Drive's limits on one app's private properties of one file. */
const MAX_PROPERTIES_PER_APP = 30;
const MAX_ENTRY_BYTES = 124;

/**
 * Merges an appProperties patch the way Drive does: keys present are set, a `null` value removes
 * the key, keys absent are kept. Enforces Drive's size limits so nothing passes here that Drive
 * would refuse.
 */
export function applyAppPropertiesPatch(
  current: Readonly<Record<string, string>>,
  patch: Readonly<Record<string, string | null>>,
): Record<string, string> {
  const next: Record<string, string> = { ...current };
  for (const [key, value] of Object.entries(patch)) {
    if (value === null) {
      delete next[key];
      continue;
    }
    if (key.length === 0) throw driveErrors.badRequest('Property keys must not be empty.');
    if (Buffer.byteLength(key) + Buffer.byteLength(value) > MAX_ENTRY_BYTES) {
      throw driveErrors.badRequest(`The size of a property key and value must not exceed ${MAX_ENTRY_BYTES} bytes.`);
    }
    next[key] = value;
  }
  if (Object.keys(next).length > MAX_PROPERTIES_PER_APP) {
    throw driveErrors.badRequest(`A file can have at most ${MAX_PROPERTIES_PER_APP} private properties per app.`);
  }
  return next;
}
