/** Drive `q` strings the job sends. String literals escape `\` and `'` as the query language requires. */
export function quote(value: string): string {
  return `'${value.replace(/\\/g, '\\\\').replace(/'/g, "\\'")}'`;
}

export const FILES_IN_APP_DATA = "'appDataFolder' in parents and trashed = false";

export function resultsDerivedFrom(sourceId: string): string {
  return `${FILES_IN_APP_DATA} and appProperties has { key='derivedFrom' and value=${quote(sourceId)} }`;
}
