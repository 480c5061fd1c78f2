/** The parsed form of the `q` subset the sandbox understands. */
export type Comparison = '=' | '!=' | '<' | '<=' | '>' | '>=';

export type QueryNode =
  | { readonly kind: 'and' | 'or'; readonly left: QueryNode; readonly right: QueryNode }
  | { readonly kind: 'not'; readonly operand: QueryNode }
  | { readonly kind: 'inParents'; readonly folderId: string }
  | { readonly kind: 'appPropertyHas'; readonly key: string; readonly value: string }
  | { readonly kind: 'text'; readonly field: 'name' | 'mimeType'; readonly op: '=' | '!=' | 'contains'; readonly value: string }
  | { readonly kind: 'time'; readonly field: 'createdTime' | 'modifiedTime'; readonly op: Comparison; readonly value: number }
  | { readonly kind: 'trashed'; readonly op: '=' | '!='; readonly value: boolean };
