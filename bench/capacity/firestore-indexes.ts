import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { REPO_ROOT } from '../../scripts/lib/stack-layout';
import type { WriteKind, WriteShapeFigures } from './figures';

/**
 * Which index entries a user-document write moves, and which of them land in a sequential range
 * (the ~500 writes/s limit), under an index layout: Firestore Standard's automatic single-field
 * indexes minus the layout's exemptions, plus its composite indexes.
 *
 * Automatic indexing (Firestore Standard, "Index overview"): a field that is neither an array nor
 * a map gets an ascending and a descending index; a map gets both on the whole map value, and its
 * subfields are indexed the same way, recursively; an array gets both on the whole value and an
 * array-contains index (one entry per element). An exemption on a map applies to its subfields.
 */
export const DEFAULT_INDEXES_FILE = join(REPO_ROOT, 'infra', 'firestore.indexes.json');

type Mode = 'ASCENDING' | 'DESCENDING' | 'CONTAINS';
const AUTOMATIC: readonly Mode[] = ['ASCENDING', 'DESCENDING', 'CONTAINS'];

export interface IndexLayout {
  name: string;
  /** Composite indexes of the users collection, field paths in index order. */
  composites: string[][];
  /** Single-field settings by field path (`*` = every field): the modes kept, [] = exempt. */
  overrides: Map<string, readonly Mode[]>;
}

interface IndexesFile {
  indexes?: { collectionGroup: string; fields: { fieldPath: string }[] }[];
  fieldOverrides?: { collectionGroup: string; fieldPath: string; indexes?: { order?: Mode; arrayConfig?: Mode }[] }[];
}

/** The layout a deploy applies: infra/firestore.indexes.json, for the users collection. */
export function layoutFromFile(file = DEFAULT_INDEXES_FILE, collection = 'users'): IndexLayout {
  const parsed = JSON.parse(readFileSync(file, 'utf8')) as IndexesFile;
  const overrides = new Map<string, readonly Mode[]>();
  for (const override of parsed.fieldOverrides ?? []) {
    if (override.collectionGroup !== collection || !override.indexes) continue;
    overrides.set(override.fieldPath, override.indexes.map((index) => (index.arrayConfig ?? index.order)!).filter(Boolean));
  }
  return {
    name: `deployed (${file.startsWith(REPO_ROOT) ? file.slice(REPO_ROOT.length + 1) : file})`,
    composites: (parsed.indexes ?? []).filter((index) => index.collectionGroup === collection).map((index) => index.fields.map((f) => f.fieldPath)),
    overrides,
  };
}

/** Every field indexed as Firestore does by default, with the layout's composite indexes. */
export function withoutExemptions(layout: IndexLayout): IndexLayout {
  return { name: 'no exemptions', composites: layout.composites, overrides: new Map() };
}

/**
 * The layout the queries need and nothing more (issue 10): the due query's composite index
 * `(status, shard, nextRunAt)` (offline/dispatch/claim-due-users.ts) and an array-contains index
 * on `refreshTokenIds` (risc/apply-security-events.ts); every other single-field index exempt,
 * `shard` and `nextRunAt` included, as Firestore's sharded-timestamp recipe asks.
 */
export function recommendedLayout(): IndexLayout {
  return {
    name: 'recommended',
    composites: [['status', 'shard', 'nextRunAt']],
    overrides: new Map<string, readonly Mode[]>([
      ['*', []],
      ['refreshTokenIds', ['CONTAINS']],
    ]),
  };
}

/** The nearest setting on the path or an ancestor, then `*`, then Firestore's defaults. */
function modesOf(layout: IndexLayout, path: string): readonly Mode[] {
  const parts = path.split('.');
  for (let i = parts.length; i > 0; i -= 1) {
    const modes = layout.overrides.get(parts.slice(0, i).join('.'));
    if (modes) return modes;
  }
  return layout.overrides.get('*') ?? AUTOMATIC;
}

/** Single-field index entries of one field (a map's own entries only; its subfields are fields too). */
export function singleFieldEntries(layout: IndexLayout, path: string, type: string): number {
  const modes = modesOf(layout, path);
  const ordered = modes.filter((mode) => mode !== 'CONTAINS').length;
  const elements = type.startsWith('array:') ? Number(type.slice('array:'.length)) : 0;
  return ordered + (modes.includes('CONTAINS') ? elements : 0);
}

export interface WriteIndexEffect {
  /** Index entries removed or added by one such write (a changed value removes its old entry and adds the new one). */
  entries: number;
  /** Sequential ranges the write lands in: `nextRunAt`, `composite (status, shard, nextRunAt)`, ... */
  sequential: SequentialIndex[];
}

export interface SequentialIndex {
  id: string;
  /** Sharded when a `shard` field comes before the timestamp in a composite index. */
  sharded: boolean;
}

/**
 * What one write of `shape` does to the indexes under `layout`. `document` is a stored user
 * between runs: a field in it is replaced (old entries out, new in), any other is added; a deleted
 * field's old entries come from whichever write kind sets it (`known`).
 */
export function writeIndexEffect(
  layout: IndexLayout,
  shape: WriteShapeFigures,
  document: Readonly<Record<string, string>>,
  known: Readonly<Record<string, string>>,
): WriteIndexEffect {
  let entries = 0;
  const touched = new Map<string, string>();
  for (const [path, type] of Object.entries(shape.set)) {
    const replaced = !shape.whole && Object.hasOwn(document, path);
    entries += singleFieldEntries(layout, path, type) * (replaced ? 2 : 1);
    touched.set(path, type);
  }
  for (const root of shape.deleted) {
    const subtree = Object.entries(known).filter(([path]) => path === root || path.startsWith(`${root}.`));
    for (const [path, type] of subtree) {
      entries += singleFieldEntries(layout, path, type);
      touched.set(path, type);
    }
  }
  const sequential: SequentialIndex[] = [];
  for (const [path, type] of touched) {
    if (type === 'timestamp' && singleFieldEntries(layout, path, type) > 0) sequential.push({ id: path, sharded: false });
  }
  const present = { ...document, ...known };
  for (const fields of layout.composites) {
    const moved = fields.some((field) => touched.has(field));
    if (!moved || !fields.every((field) => Object.hasOwn(present, field) || field === 'shard')) continue;
    entries += shape.whole ? 1 : 2;
    const timestampAt = fields.findIndex((field) => touched.get(field) === 'timestamp');
    if (timestampAt >= 0) sequential.push({ id: `composite (${fields.join(', ')})`, sharded: fields.slice(0, timestampAt).includes('shard') });
  }
  return { entries, sequential };
}

/** Every field path any write kind sets, with its type: what a deleted field held. */
export function knownFields(shapes: Readonly<Record<WriteKind, WriteShapeFigures>>, document: Readonly<Record<string, string>>): Record<string, string> {
  const known: Record<string, string> = { ...document };
  for (const shape of Object.values(shapes)) Object.assign(known, shape.set);
  return known;
}
