/**
 * The Content-Range header of a resumable upload request: a chunk (`bytes 0-99/1000`, total may
 * be `*` while unknown), a status query (`bytes *\/1000`), or none (the whole file in one go).
 */
export type ContentRange =
  | { readonly kind: 'whole' }
  | { readonly kind: 'chunk'; readonly first: number; readonly last: number; readonly total: number | undefined }
  | { readonly kind: 'query'; readonly total: number | undefined };

export function parseContentRange(header: string | undefined): ContentRange | undefined {
  if (header === undefined) return { kind: 'whole' };
  const match = /^bytes (?:(\d+)-(\d+)|\*)\/(\d+|\*)$/.exec(header.trim());
  if (!match) return undefined;
  const [, first, last, totalText] = match;
  const total = totalText === '*' || totalText === undefined ? undefined : Number(totalText);
  if (first === undefined || last === undefined) return { kind: 'query', total };
  return { kind: 'chunk', first: Number(first), last: Number(last), total };
}
