import type { Comparison, QueryNode } from './ast';
import type { StoredFile } from '../model';

/** Resolves folder aliases ("appDataFolder", "appfolder", "root") to real ids, per user. */
export type FolderResolver = (idOrAlias: string) => string;

export function matchesQuery(file: StoredFile, node: QueryNode, resolveFolder: FolderResolver): boolean {
  switch (node.kind) {
    case 'and':
      return matchesQuery(file, node.left, resolveFolder) && matchesQuery(file, node.right, resolveFolder);
    case 'or':
      return matchesQuery(file, node.left, resolveFolder) || matchesQuery(file, node.right, resolveFolder);
    case 'not':
      return !matchesQuery(file, node.operand, resolveFolder);
    case 'inParents':
      return file.parents.includes(resolveFolder(node.folderId));
    case 'appPropertyHas':
      return file.appProperties[node.key] === node.value;
    case 'trashed':
      return (file.trashed === node.value) === (node.op === '=');
    case 'text':
      return matchesText(node.field === 'name' ? file.name : file.mimeType, node.field, node.op, node.value);
    case 'time':
      return compare(node.field === 'createdTime' ? file.createdTime : file.modifiedTime, node.op, node.value);
  }
}

/** Drive's `name contains` matches word prefixes, case-insensitively; `mimeType contains` is a substring test. */
function matchesText(actual: string, field: 'name' | 'mimeType', op: '=' | '!=' | 'contains', expected: string): boolean {
  if (op === '=') return actual === expected;
  if (op === '!=') return actual !== expected;
  if (field === 'mimeType') return actual.includes(expected);
  const name = actual.toLowerCase();
  const needle = expected.toLowerCase();
  for (let start = 0; start < name.length; start += 1) {
    const atWordStart = start === 0 || !/[a-z0-9]/.test(name[start - 1] as string);
    if (atWordStart && name.startsWith(needle, start)) return true;
  }
  return false;
}

function compare(actual: number, op: Comparison, expected: number): boolean {
  switch (op) {
    case '=':
      return actual === expected;
    case '!=':
      return actual !== expected;
    case '<':
      return actual < expected;
    case '<=':
      return actual <= expected;
    case '>':
      return actual > expected;
    case '>=':
      return actual >= expected;
  }
}
