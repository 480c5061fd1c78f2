/**
 * Splits one line of POSIX shell into its words, the way bash would before running it: quotes
 * removed, backslash escapes applied, a word-initial `#` starting a comment. Only what the infra
 * scripts print is supported (no expansions, no `$'...'`): anything that would need one is an
 * error rather than a guess, because these words are fed to the real gcloud.
 */
export class ShellSyntaxError extends Error {
  constructor(message: string, readonly line: string) {
    super(`${message}: ${line}`);
    this.name = 'ShellSyntaxError';
  }
}

const EXPANSION = /[$`]/;
/** Unquoted, these mean something to bash (expansion, globbing, redirection, control). */
const SPECIAL = new Set(['$', '`', ';', '&', '|', '<', '>', '(', ')', '{', '}', '*', '?', '[', ']']);

export function splitShellWords(line: string): string[] {
  const words: string[] = [];
  let current: string | undefined;
  const append = (text: string): void => {
    current = (current ?? '') + text;
  };
  let i = 0;
  while (i < line.length) {
    const char = line[i]!;
    if (char === ' ' || char === '\t') {
      if (current !== undefined) words.push(current);
      current = undefined;
      i += 1;
    } else if (char === '#' && current === undefined) {
      break;
    } else if (char === "'") {
      const end = line.indexOf("'", i + 1);
      if (end < 0) throw new ShellSyntaxError('unterminated single quote', line);
      append(line.slice(i + 1, end));
      i = end + 1;
    } else if (char === '"') {
      i = readDoubleQuoted(line, i + 1, append);
    } else if (char === '\\') {
      if (i + 1 >= line.length) throw new ShellSyntaxError('trailing backslash', line);
      append(line[i + 1]!);
      i += 2;
    } else if (SPECIAL.has(char) || (char === '~' && current === undefined)) {
      throw new ShellSyntaxError(`unquoted ${JSON.stringify(char)} is shell syntax`, line);
    } else {
      append(char);
      i += 1;
    }
  }
  if (current !== undefined) words.push(current);
  return words;
}

/** Reads a "..." word part starting after the opening quote; returns the index after the closing one. */
function readDoubleQuoted(line: string, start: number, append: (text: string) => void): number {
  let i = start;
  while (i < line.length) {
    const char = line[i]!;
    if (char === '"') return i + 1;
    if (EXPANSION.test(char)) throw new ShellSyntaxError('expansion inside double quotes', line);
    if (char === '\\' && i + 1 < line.length && '"\\$`'.includes(line[i + 1]!)) {
      append(line[i + 1]!);
      i += 2;
    } else {
      append(char);
      i += 1;
    }
  }
  throw new ShellSyntaxError('unterminated double quote', line);
}
