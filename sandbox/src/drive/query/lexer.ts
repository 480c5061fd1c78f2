/**
 * Tokens of Drive's search language (`q`): quoted strings with \' and \\ escapes, bare words
 * (field names, keywords, true/false), comparison operators, and the brackets of `has { ... }`.
 */
export type Token =
  | { readonly kind: 'string'; readonly value: string }
  | { readonly kind: 'word'; readonly value: string }
  | { readonly kind: 'operator'; readonly value: '=' | '!=' | '<' | '<=' | '>' | '>=' }
  | { readonly kind: 'punct'; readonly value: '(' | ')' | '{' | '}' };

export class QuerySyntaxError extends Error {}

export function tokenize(text: string): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  while (i < text.length) {
    const char = text[i] as string;
    if (/\s/.test(char)) {
      i += 1;
    } else if (char === "'") {
      const [value, next] = readString(text, i + 1);
      tokens.push({ kind: 'string', value });
      i = next;
    } else if ('(){}'.includes(char)) {
      tokens.push({ kind: 'punct', value: char as '(' | ')' | '{' | '}' });
      i += 1;
    } else {
      const operator = /^(!=|<=|>=|=|<|>)/.exec(text.slice(i))?.[1];
      const word = /^[A-Za-z_][A-Za-z0-9_.]*/.exec(text.slice(i))?.[0];
      if (operator) {
        tokens.push({ kind: 'operator', value: operator as '=' });
        i += operator.length;
      } else if (word) {
        tokens.push({ kind: 'word', value: word });
        i += word.length;
      } else {
        throw new QuerySyntaxError(`unexpected character at ${i}`);
      }
    }
  }
  return tokens;
}

function readString(text: string, start: number): [string, number] {
  let value = '';
  let i = start;
  while (i < text.length) {
    const char = text[i] as string;
    if (char === '\\') {
      const escaped = text[i + 1];
      if (escaped === undefined) break;
      value += escaped;
      i += 2;
    } else if (char === "'") {
      return [value, i + 1];
    } else {
      value += char;
      i += 1;
    }
  }
  throw new QuerySyntaxError('unterminated string');
}
