import { driveErrors } from './drive-error';
import { RESOURCE_FIELDS, type ResourceName } from './resource-schemas';

/**
 * Google's partial-response `fields` syntax: `files(id,name,appProperties),nextPageToken`,
 * `files/id`, `*`. A mask node selects some children (null = the whole child) or everything.
 */
export interface FieldMask {
  readonly all: boolean;
  readonly children: ReadonlyMap<string, FieldMask | null>;
}

interface MaskBuilder {
  all: boolean;
  children: Map<string, MaskBuilder | null>;
}

const newBuilder = (): MaskBuilder => ({ all: false, children: new Map() });

/** Parses and checks a selection against the resource it applies to; refuses it as Drive does. */
export function parseFieldMask(text: string, resource: ResourceName): FieldMask {
  const parser = new FieldsParser(text);
  const mask = parser.parse();
  checkAgainstResource(mask, resource);
  return mask;
}

/** Keeps only the selected parts of a JSON value. */
export function project(value: unknown, mask: FieldMask | null): unknown {
  if (mask === null || mask.all) return value;
  if (Array.isArray(value)) return value.map((item) => project(item, mask));
  if (typeof value !== 'object' || value === null) return value;
  const source = value as Record<string, unknown>;
  const out: Record<string, unknown> = {};
  for (const [key, child] of mask.children) {
    if (source[key] !== undefined) out[key] = project(source[key], child);
  }
  return out;
}

function invalidSelection(detail: string): never {
  throw driveErrors.invalidParameter('fields', `Invalid field selection ${detail}`);
}

class FieldsParser {
  private position = 0;

  constructor(private readonly text: string) {}

  parse(): FieldMask {
    const root = newBuilder();
    this.parseList(root);
    if (this.position < this.text.length) invalidSelection(this.text.slice(this.position));
    return root;
  }

  private parseList(into: MaskBuilder): void {
    do {
      this.parseItem(into);
    } while (this.take(','));
  }

  private parseItem(into: MaskBuilder): void {
    const path = [this.segment()];
    while (this.take('/')) path.push(this.segment());
    let sub: MaskBuilder | null = null;
    if (this.take('(')) {
      sub = newBuilder();
      this.parseList(sub);
      if (!this.take(')')) invalidSelection(this.text);
    }
    insertPath(into, path, sub);
  }

  private segment(): string {
    this.skipSpaces();
    const match = /^(\*|[A-Za-z0-9_-]+)/.exec(this.text.slice(this.position));
    if (!match?.[1]) invalidSelection(this.text.slice(this.position) || this.text);
    this.position += match[1].length;
    this.skipSpaces();
    return match[1];
  }

  private take(char: string): boolean {
    this.skipSpaces();
    if (this.text[this.position] !== char) return false;
    this.position += 1;
    return true;
  }

  private skipSpaces(): void {
    while (this.text[this.position] === ' ') this.position += 1;
  }
}

function insertPath(node: MaskBuilder, path: readonly string[], sub: MaskBuilder | null): void {
  const [head, ...rest] = path;
  if (head === undefined) return;
  if (head === '*') {
    if (rest.length > 0 || sub !== null) invalidSelection(path.join('/'));
    node.all = true;
    return;
  }
  const leafHere = rest.length === 0 && sub === null;
  const existing = node.children.get(head);
  if (existing === null) return; // the whole field is already selected
  if (leafHere) {
    node.children.set(head, null);
    return;
  }
  const child = existing ?? newBuilder();
  node.children.set(head, child);
  if (rest.length > 0) insertPath(child, rest, sub);
  else if (sub) mergeInto(child, sub);
}

function mergeInto(target: MaskBuilder, source: MaskBuilder): void {
  target.all ||= source.all;
  for (const [key, child] of source.children) {
    const existing = target.children.get(key);
    if (child === null || existing === null) target.children.set(key, null);
    else if (existing === undefined) target.children.set(key, child);
    else mergeInto(existing, child);
  }
}

function checkAgainstResource(mask: FieldMask, resource: ResourceName): void {
  const table = RESOURCE_FIELDS[resource];
  for (const [name, child] of mask.children) {
    const kind = table[name];
    if (kind === undefined) invalidSelection(name);
    if (child === null) continue;
    if (kind === 'leaf') invalidSelection(name);
    if (typeof kind === 'object') checkAgainstResource(child, kind.ref);
  }
}
