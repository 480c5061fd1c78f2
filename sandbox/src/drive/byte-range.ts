/**
 * The `Range` header of a download (RFC 9110 §14.1.2), as Drive's alt=media honours it: one range
 * of bytes, `first-last`, `first-` or `-suffix`, clipped to the file. Anything else (several
 * ranges, another unit, nonsense) is not honoured and the whole file is served, which RFC 9110
 * allows; a range that starts past the end is unsatisfiable (416).
 */
export type RequestedRange =
  | { readonly kind: 'whole' }
  | { readonly kind: 'range'; readonly first: number; readonly last: number }
  | { readonly kind: 'unsatisfiable' };

const RANGE = /^bytes\s*=\s*(\d*)-(\d*)$/i;

export function requestedByteRange(header: string | undefined, size: number): RequestedRange {
  const match = RANGE.exec(header?.trim() ?? '');
  if (!match) return { kind: 'whole' };
  const [, firstText = '', lastText = ''] = match;
  if (firstText === '') {
    if (lastText === '') return { kind: 'whole' };
    const suffix = Number(lastText);
    return suffix === 0 || size === 0 ? { kind: 'unsatisfiable' } : { kind: 'range', first: Math.max(0, size - suffix), last: size - 1 };
  }
  const first = Number(firstText);
  if (lastText !== '' && Number(lastText) < first) return { kind: 'whole' };
  if (first >= size) return { kind: 'unsatisfiable' };
  return { kind: 'range', first, last: lastText === '' ? size - 1 : Math.min(Number(lastText), size - 1) };
}
