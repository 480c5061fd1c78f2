import { driveErrors } from './drive-error';
import type { DriveSpace } from './model';

/**
 * Query parameters the Drive methods share, validated with Drive's limits and refused with
 * Drive's 400 so a client bug shows up here rather than in production.
 */
export function pageSizeParam(url: URL, fallback = 100, max = 1000): number {
  const raw = url.searchParams.get('pageSize');
  if (raw === null) return fallback;
  const value = Number(raw);
  if (!/^\d+$/.test(raw) || value < 1 || value > max) {
    throw driveErrors.invalidParameter('pageSize', `Invalid value '${raw}'. Values must be within the range: [1, ${max}]`);
  }
  return value;
}

export function booleanParam(url: URL, name: string, fallback: boolean): boolean {
  const raw = url.searchParams.get(name);
  if (raw === null) return fallback;
  if (raw !== 'true' && raw !== 'false') throw driveErrors.invalidParameter(name, `Invalid value '${raw}'. Expected true or false.`);
  return raw === 'true';
}

const KNOWN_SPACES = ['drive', 'appDataFolder', 'photos'] as const;

/** The `spaces` parameter (default "drive"). "photos" is accepted and, as in today's Drive, empty. */
export function spacesParam(url: URL): ReadonlySet<DriveSpace> {
  const raw = url.searchParams.get('spaces') ?? 'drive';
  const spaces = new Set<DriveSpace>();
  for (const name of raw.split(',').map((part) => part.trim())) {
    if (!(KNOWN_SPACES as readonly string[]).includes(name)) throw driveErrors.invalidParameter('spaces');
    if (name !== 'photos') spaces.add(name as DriveSpace);
  }
  return spaces;
}

/** Refuses a request for the app data folder from a token that may not see it, as Drive does. */
export function assertSpacesAllowed(requested: ReadonlySet<DriveSpace>, visible: ReadonlySet<DriveSpace>): void {
  if (requested.has('appDataFolder') && !visible.has('appDataFolder')) {
    throw driveErrors.insufficientScopes('The granted scopes do not allow use of the Application Data folder.');
  }
}
