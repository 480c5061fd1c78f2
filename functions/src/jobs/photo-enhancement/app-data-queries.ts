/** Drive `q` strings the job sends. String literals escape `\` and `'` as the query language requires. */
export function quote(value: string): string {
  return `'${value.replace(/\\/g, '\\\\').replace(/'/g, "\\'")}'`;
}

/**
 * The first run's sweep (files.list with spaces=appDataFolder): every image in the app data
 * folder, its subfolders included, which is what the changes feed watches afterwards. Drive
 * leaves the rest (folders, other files) out, so the sweep pages through photos only.
 */
export const IMAGES_IN_APP_DATA = "trashed = false and mimeType contains 'image/'";

/** A result made from this source, wherever in the app data folder it is now. */
export function resultsDerivedFrom(sourceId: string): string {
  return `trashed = false and appProperties has { key='derivedFrom' and value=${quote(sourceId)} }`;
}
