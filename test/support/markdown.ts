import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

/** The repository root (this file is test/support/markdown.ts). */
export const REPO_ROOT = join(__dirname, '..', '..');

/** Every markdown file of the project: committed, or new and not ignored (so a page being added is checked too). */
export function projectMarkdownFiles(): string[] {
  const out = execFileSync('git', ['ls-files', '--cached', '--others', '--exclude-standard', '-z', '--', '*.md'], { cwd: REPO_ROOT, encoding: 'utf8' });
  return [...new Set(out.split('\0').filter(Boolean))].sort();
}

export function readRepoFile(path: string): string {
  return readFileSync(join(REPO_ROOT, path), 'utf8');
}

/** The text with fenced code blocks blanked out (line count kept), so examples are not read as markdown. */
export function withoutCodeBlocks(markdown: string): string {
  let fence: string | undefined;
  return markdown
    .split('\n')
    .map((line) => {
      const marker = /^ {0,3}(`{3,}|~{3,})/.exec(line)?.[1];
      if (fence === undefined && marker) {
        fence = marker[0]!.repeat(marker.length);
        return '';
      }
      if (fence !== undefined) {
        if (line.trim().startsWith(fence)) fence = undefined;
        return '';
      }
      return line;
    })
    .join('\n');
}

/** Inline code spans blanked out: `[a](b)` inside backticks is not a link. */
function withoutCodeSpans(line: string): string {
  return line.replace(/(`+)[\s\S]*?\1/g, (span) => ' '.repeat(span.length));
}

export interface MarkdownLink {
  line: number;
  target: string;
}

/** Inline links and images `[text](target "title")`, reference definitions `[x]: target`, and `href`/`src` attributes. */
export function markdownLinks(markdown: string): MarkdownLink[] {
  const links: MarkdownLink[] = [];
  withoutCodeBlocks(markdown)
    .split('\n')
    .forEach((raw, index) => {
      const line = withoutCodeSpans(raw);
      const add = (target: string | undefined) => target && links.push({ line: index + 1, target: target.trim() });
      for (const match of line.matchAll(/\]\(\s*(<[^>]*>|[^()\s]*(?:\([^()\s]*\)[^()\s]*)*)(?:\s+"[^"]*")?\s*\)/g)) {
        add(match[1]!.replace(/^<|>$/g, ''));
      }
      add(/^ {0,3}\[[^\]]+\]:\s*(\S+)/.exec(line)?.[1]);
      for (const match of line.matchAll(/\b(?:href|src)="([^"]*)"/g)) add(match[1]);
    });
  return links;
}

/**
 * GitHub's anchor for a heading: the rendered text in lower case, punctuation dropped (letters,
 * digits, `_`, `-` and spaces kept), spaces turned into hyphens; a repeated heading gets -1, -2...
 */
export function headingAnchors(markdown: string): Set<string> {
  const anchors = new Set<string>();
  const seen = new Map<string, number>();
  for (const line of withoutCodeBlocks(markdown).split('\n')) {
    const heading = /^ {0,3}#{1,6}\s+(.*?)(?:\s+#+)?\s*$/.exec(line)?.[1];
    if (heading !== undefined) {
      const base = slug(heading);
      const count = seen.get(base) ?? 0;
      seen.set(base, count + 1);
      anchors.add(count === 0 ? base : `${base}-${count}`);
    }
    for (const match of line.matchAll(/<a\s+(?:id|name)="([^"]+)"/g)) anchors.add(match[1]!);
  }
  return anchors;
}

function slug(heading: string): string {
  const text = heading
    .replace(/!?\[([^\]]*)\]\([^)]*\)/g, '$1')
    .replace(/<[^>]+>/g, '')
    .replace(/[`*]/g, '');
  return text
    .toLowerCase()
    .replace(/[^\p{L}\p{N}\p{M}\p{Pc}\- ]/gu, '')
    .replace(/ /g, '-');
}

export interface MarkdownTable {
  /** The heading the table sits under ('' before the first heading). */
  section: string;
  header: string[];
  rows: string[][];
}

/** Every pipe table, cells trimmed (escaped pipes `\|` kept inside their cell). */
export function markdownTables(markdown: string): MarkdownTable[] {
  const tables: MarkdownTable[] = [];
  let section = '';
  let current: MarkdownTable | undefined;
  for (const line of withoutCodeBlocks(markdown).split('\n')) {
    const heading = /^ {0,3}#{1,6}\s+(.*?)\s*$/.exec(line)?.[1];
    if (heading !== undefined) section = heading;
    if (!line.trim().startsWith('|')) {
      current = undefined;
      continue;
    }
    const cells = line.trim().replace(/^\||\|$/g, '').split(/(?<!\\)\|/).map((cell) => cell.trim());
    if (current === undefined) {
      current = { section, header: cells, rows: [] };
      tables.push(current);
    } else if (!cells.every((cell) => /^:?-+:?$/.test(cell))) {
      current.rows.push(cells);
    }
  }
  return tables;
}
