/**
 * A strict reader for `multipart/related` bodies (RFC 2387) as Google's upload endpoint accepts
 * them: parts separated by `--boundary`, each with its own headers, the last delimiter `--boundary--`.
 * Bytes are kept as they are, so binary media survives untouched.
 */
export interface MultipartPart {
  /** Header names lower-cased. */
  readonly headers: Readonly<Record<string, string>>;
  readonly body: Buffer;
}

export class MultipartError extends Error {}

const CRLF = Buffer.from('\r\n');
const HEADER_END = Buffer.from('\r\n\r\n');

export function boundaryOf(contentType: string | undefined): string | undefined {
  if (!contentType || !/^multipart\/related\s*(;|$)/i.test(contentType)) return undefined;
  const match = /;\s*boundary=(?:"([^"]+)"|([^;\s]+))/i.exec(contentType);
  return match?.[1] ?? match?.[2];
}

export function parseMultipartRelated(body: Buffer, boundary: string): MultipartPart[] {
  const delimiter = Buffer.from(`--${boundary}`);
  const between = Buffer.concat([CRLF, delimiter]);
  let cursor = body.indexOf(delimiter);
  if (cursor < 0) throw new MultipartError('no boundary found');
  cursor += delimiter.length;
  const parts: MultipartPart[] = [];
  for (;;) {
    if (body.subarray(cursor, cursor + 2).toString() === '--') return parts;
    if (!body.subarray(cursor, cursor + 2).equals(CRLF)) throw new MultipartError('malformed delimiter line');
    const end = body.indexOf(between, cursor);
    if (end < 0) throw new MultipartError('missing closing boundary');
    parts.push(readPart(body.subarray(cursor + 2, end)));
    cursor = end + between.length;
  }
}

function readPart(raw: Buffer): MultipartPart {
  // A part with no headers starts directly with the blank line.
  const headerEnd = raw.subarray(0, 2).equals(CRLF) ? 0 : raw.indexOf(HEADER_END);
  if (headerEnd < 0) throw new MultipartError('part without a header section');
  const headers: Record<string, string> = {};
  for (const line of raw.subarray(0, headerEnd).toString('latin1').split('\r\n').filter(Boolean)) {
    const colon = line.indexOf(':');
    if (colon <= 0) throw new MultipartError('malformed part header');
    headers[line.slice(0, colon).trim().toLowerCase()] = line.slice(colon + 1).trim();
  }
  const bodyStart = headerEnd === 0 ? 2 : headerEnd + HEADER_END.length;
  return { headers, body: raw.subarray(bodyStart) };
}
