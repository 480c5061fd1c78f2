import { randomBytes } from 'node:crypto';
import { boundaryOf, MultipartError, parseMultipartRelated } from '../../../sandbox/src/drive/multipart';

/** The body googleapis-common builds for a multipart upload with a stream body. */
function googleapisBody(boundary: string, metadata: object, media: Buffer, mediaType: string): Buffer {
  return Buffer.concat([
    Buffer.from(`--${boundary}\r\ncontent-type: application/json\r\n\r\n${JSON.stringify(metadata)}\r\n`),
    Buffer.from(`--${boundary}\r\ncontent-type: ${mediaType}\r\n\r\n`),
    media,
    Buffer.from(`\r\n--${boundary}--`),
  ]);
}

describe('multipart/related', () => {
  it('reads the boundary, quoted or not', () => {
    expect(boundaryOf('multipart/related; boundary=abc-123')).toBe('abc-123');
    expect(boundaryOf('Multipart/Related; type="application/json"; boundary="a b"')).toBe('a b');
    expect(boundaryOf('multipart/form-data; boundary=x')).toBeUndefined();
    expect(boundaryOf(undefined)).toBeUndefined();
  });

  it('splits metadata and binary media exactly, even when the media contains CRLF and dashes', () => {
    const media = Buffer.concat([randomBytes(2048), Buffer.from('\r\n--not-the-boundary\r\n'), randomBytes(10)]);
    const parts = parseMultipartRelated(googleapisBody('b0undary', { name: 'x' }, media, 'image/jpeg'), 'b0undary');
    expect(parts).toHaveLength(2);
    expect(parts[0]?.headers).toEqual({ 'content-type': 'application/json' });
    expect(JSON.parse(parts[0]!.body.toString())).toEqual({ name: 'x' });
    expect(parts[1]?.headers['content-type']).toBe('image/jpeg');
    expect(parts[1]?.body.equals(media)).toBe(true);
  });

  it('reads bare LF line endings, as google-api-python-client (Python\'s email generator) writes them', () => {
    // Byte for byte what googleapiclient.discovery builds for files().create(body=..., media_body=MediaInMemoryUpload(..., resumable=False)).
    const boundary = '===============3839400878705376090==';
    const media = Buffer.from('a\r\nb\n--c\r\n');
    const body = Buffer.concat([
      Buffer.from(`--${boundary}\nContent-Type: application/json\nMIME-Version: 1.0\n\n{"name": "x"}\n`),
      Buffer.from(`--${boundary}\nContent-Type: application/octet-stream\nMIME-Version: 1.0\nContent-Transfer-Encoding: binary\n\n`),
      media,
      Buffer.from(`\n--${boundary}--\n`),
    ]);
    const parts = parseMultipartRelated(body, boundary);
    expect(parts.map((part) => part.headers['content-type'])).toEqual(['application/json', 'application/octet-stream']);
    expect(parts[0]?.headers['mime-version']).toBe('1.0');
    expect(JSON.parse(parts[0]!.body.toString())).toEqual({ name: 'x' });
    // The line break before a delimiter belongs to the delimiter: the media keeps its own CRLF and LF.
    expect(parts[1]?.body.equals(media)).toBe(true);
  });

  it('allows transport padding after a delimiter and mixed line endings', () => {
    const body = Buffer.from('--b \t\r\nContent-Type: application/json\n\r\n{}\r\n--b\nContent-Type: text/plain\r\n\r\nxyz\n--b--');
    expect(parseMultipartRelated(body, 'b').map((part) => part.body.toString())).toEqual(['{}', 'xyz']);
  });

  it('accepts a preamble and an empty media part', () => {
    const body = Buffer.from('ignored preamble\r\n--b\r\nContent-Type: application/json\r\n\r\n{}\r\n--b\r\nContent-Type: text/plain\r\n\r\n\r\n--b--\r\n');
    const parts = parseMultipartRelated(body, 'b');
    expect(parts.map((part) => part.body.toString())).toEqual(['{}', '']);
  });

  it.each([
    ['no boundary at all', 'just bytes'],
    ['no closing boundary', '--b\r\ncontent-type: text/plain\r\n\r\nabc'],
    ['a part without headers end', '--b\r\ncontent-type text/plain\r\n--b--'],
    ['garbage after a delimiter', '--bX\r\n\r\n\r\n--b--'],
  ])('refuses %s', (_label, text) => {
    expect(() => parseMultipartRelated(Buffer.from(text), 'b')).toThrow(MultipartError);
  });
});
