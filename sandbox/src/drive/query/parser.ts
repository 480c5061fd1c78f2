import type { Comparison, QueryNode } from './ast';
import { QuerySyntaxError, type Token, tokenize } from './lexer';
import { parseRfc3339 } from '../time';

/**
 * Parses the subset of Drive's search language the product uses, with Drive's precedence
 * (not > and > or) and parentheses. Anything outside the subset is a QuerySyntaxError, which the
 * route turns into Drive's 400 for `q`, so a query the sandbox cannot judge never silently passes.
 */
export function parseQuery(text: string): QueryNode {
  const parser = new QueryParser(tokenize(text));
  const node = parser.expression();
  parser.expectEnd();
  return node;
}

const TEXT_FIELDS = ['name', 'mimeType'] as const;
const TIME_FIELDS = ['createdTime', 'modifiedTime'] as const;

class QueryParser {
  private position = 0;

  constructor(private readonly tokens: readonly Token[]) {}

  expression(): QueryNode {
    let node = this.conjunction();
    while (this.takeKeyword('or')) node = { kind: 'or', left: node, right: this.conjunction() };
    return node;
  }

  expectEnd(): void {
    if (this.position < this.tokens.length) throw new QuerySyntaxError('unexpected trailing input');
  }

  private conjunction(): QueryNode {
    let node = this.unary();
    while (this.takeKeyword('and')) node = { kind: 'and', left: node, right: this.unary() };
    return node;
  }

  private unary(): QueryNode {
    if (this.takeKeyword('not')) return { kind: 'not', operand: this.unary() };
    if (this.takePunct('(')) {
      const inner = this.expression();
      this.expectPunct(')');
      return inner;
    }
    return this.term();
  }

  private term(): QueryNode {
    const first = this.next();
    if (first.kind === 'string') {
      this.expectKeyword('in');
      this.expectKeyword('parents');
      return { kind: 'inParents', folderId: first.value };
    }
    if (first.kind !== 'word') throw new QuerySyntaxError('expected a term');
    const field = first.value;
    if (field === 'appProperties') return this.appPropertyHas();
    if (field === 'trashed') return this.trashed();
    if (isOneOf(field, TEXT_FIELDS)) return this.textTerm(field);
    if (isOneOf(field, TIME_FIELDS)) return this.timeTerm(field);
    throw new QuerySyntaxError(`unsupported field ${field}`);
  }

  private appPropertyHas(): QueryNode {
    this.expectKeyword('has');
    this.expectPunct('{');
    this.expectKeyword('key');
    this.expectOperator('=');
    const key = this.expectString();
    this.expectKeyword('and');
    this.expectKeyword('value');
    this.expectOperator('=');
    const value = this.expectString();
    this.expectPunct('}');
    return { kind: 'appPropertyHas', key, value };
  }

  private trashed(): QueryNode {
    const op = this.expectOperator('=', '!=') as '=' | '!=';
    const literal = this.next();
    const word = literal.kind === 'word' ? literal.value.toLowerCase() : '';
    if (word !== 'true' && word !== 'false') throw new QuerySyntaxError('trashed compares with true or false');
    return { kind: 'trashed', op, value: word === 'true' };
  }

  private textTerm(field: (typeof TEXT_FIELDS)[number]): QueryNode {
    const op = this.takeKeyword('contains') ? 'contains' : (this.expectOperator('=', '!=') as '=' | '!=');
    return { kind: 'text', field, op, value: this.expectString() };
  }

  private timeTerm(field: (typeof TIME_FIELDS)[number]): QueryNode {
    const op = this.expectOperator('=', '!=', '<', '<=', '>', '>=');
    const value = parseRfc3339(this.expectString());
    if (value === undefined) throw new QuerySyntaxError(`${field} needs an RFC 3339 date-time`);
    return { kind: 'time', field, op, value };
  }

  private next(): Token {
    const token = this.tokens[this.position];
    if (!token) throw new QuerySyntaxError('unexpected end of query');
    this.position += 1;
    return token;
  }

  private takeKeyword(keyword: string): boolean {
    const token = this.tokens[this.position];
    if (token?.kind !== 'word' || token.value.toLowerCase() !== keyword) return false;
    this.position += 1;
    return true;
  }

  private expectKeyword(keyword: string): void {
    if (!this.takeKeyword(keyword)) throw new QuerySyntaxError(`expected ${keyword}`);
  }

  private takePunct(value: string): boolean {
    const token = this.tokens[this.position];
    if (token?.kind !== 'punct' || token.value !== value) return false;
    this.position += 1;
    return true;
  }

  private expectPunct(value: string): void {
    if (!this.takePunct(value)) throw new QuerySyntaxError(`expected ${value}`);
  }

  private expectOperator(...allowed: Comparison[]): Comparison {
    const token = this.next();
    if (token.kind !== 'operator' || !allowed.includes(token.value)) throw new QuerySyntaxError('unsupported operator');
    return token.value;
  }

  private expectString(): string {
    const token = this.next();
    if (token.kind !== 'string') throw new QuerySyntaxError('expected a quoted string');
    return token.value;
  }
}

function isOneOf<T extends string>(value: string, options: readonly T[]): value is T {
  return (options as readonly string[]).includes(value);
}
