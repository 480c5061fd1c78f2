/**
 * A strict reader for `multipart/related` bodies (RFC 2387) as Google's upload endpoint accepts
 * them: parts separated by `--boundary` lines, each with its own headers, the last delimiter
 * `--boundary--`.
 * Bytes are kept as they are, so binary media survives untouched.
 */
export interface MultipartPart {
  /** Header names lower-cased. */
  readonly headers: Readonly<Record<string, string>>;
  readonly body: Buffer;
}

export class MultipartError extends Error {}

const CR = 0x0d;
const LF = 0x0a;
const DASH = 0x2d;

export function boundaryOf(contentType: string | undefined): string | undefined {
  if (!contentType || !/^multipart\/related\s*(;|$)/i.test(contentType)) return undefined;
  const match = /;\s*boundary=(?:"([^"]+)"|([^;\s]+))/i.exec(contentType);
  return match?.[1] ?? match?.[2];
}

/**
 * Line breaks may be CRLF (RFC 2046, Node clients) or a bare LF (Python's email generator, hence
 * google-api-python-client), as Google's upload server accepts both. The line break before a
 * delimiter belongs to the delimiter, never to the part before it.
 */
export function parseMultipartRelated(body: Buffer, boundary: string): MultipartPart[] {
  const delimiter = Buffer.from(`--${boundary}`);
  let cursor = body.indexOf(delimiter);
  if (cursor < 0) throw new MultipartError('no boundary found');
  cursor += delimiter.length;
  const parts: MultipartPart[] = [];
  for (;;) {
    if (body[cursor] === DASH && body[cursor + 1] === DASH) return parts;
    const partStart = afterLineBreak(body, cursor);
    if (partStart === undefined) throw new MultipartError('malformed delimiter line');
    const next = nextDelimiter(body, delimiter, partStart);
    if (!next) throw new MultipartError('missing closing boundary');
    parts.push(readPart(body.subarray(partStart, next.partEnd)));
    cursor = next.after;
  }
}

/** Skips transport padding (spaces, tabs) and one line break; undefined if something else follows. */
function afterLineBreak(body: Buffer, index: number): number | undefined {
  let cursor = index;
  while (body[cursor] === 0x20 || body[cursor] === 0x09) cursor += 1;
  if (body[cursor] === CR && body[cursor + 1] === LF) return cursor + 2;
  if (body[cursor] === LF) return cursor + 1;
  return undefined;
}

/** The next delimiter at the start of a line: where the part before it ends, and where the delimiter ends. */
function nextDelimiter(body: Buffer, delimiter: Buffer, from: number): { partEnd: number; after: number } | undefined {
  for (let at = body.indexOf(delimiter, from); at >= 0; at = body.indexOf(delimiter, at + 1)) {
    if (at === 0 || body[at - 1] !== LF) continue;
    const lineBreak = at >= 2 && body[at - 2] === CR ? 2 : 1;
    return { partEnd: Math.max(from, at - lineBreak), after: at + delimiter.length };
  }
  return undefined;
}

function readPart(raw: Buffer): MultipartPart {
  const headers: Record<string, string> = {};
  let cursor = 0;
  // Header lines up to the first empty one; a part with no headers starts with that empty line.
  for (;;) {
    const newline = raw.indexOf(LF, cursor);
    if (newline < 0) throw new MultipartError('part without a header section');
    const lineEnd = newline > cursor && raw[newline - 1] === CR ? newline - 1 : newline;
    const line = raw.subarray(cursor, lineEnd).toString('latin1');
    cursor = newline + 1;
    if (line === '') return { headers, body: raw.subarray(cursor) };
    const colon = line.indexOf(':');
    if (colon <= 0) throw new MultipartError('malformed part header');
    headers[line.slice(0, colon).trim().toLowerCase()] = line.slice(colon + 1).trim();
  }
}
