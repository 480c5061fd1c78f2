import type { SandboxRequest } from '../http';
import { driveErrors } from './drive-error';
import { parseMetadataJson } from './metadata-input';
import { boundaryOf, MultipartError, parseMultipartRelated } from './multipart';

/** The two one-request upload protocols of Google's upload endpoint. */
export type SimpleUploadType = 'multipart' | 'media';
export type UploadType = SimpleUploadType | 'resumable';

export interface SimpleUpload {
  readonly metadata: Record<string, unknown>;
  readonly content: Buffer;
  /** The media's own content type (without parameters), if it said one. */
  readonly mediaType: string | undefined;
}

export function uploadTypeOf(url: URL): UploadType {
  const type = url.searchParams.get('uploadType');
  if (type === 'multipart' || type === 'media' || type === 'resumable') return type;
  throw driveErrors.invalidParameter('uploadType', `Invalid value '${type ?? ''}' for uploadType: use multipart, media or resumable.`);
}

export function readSimpleUpload(request: SandboxRequest, type: SimpleUploadType): SimpleUpload {
  const contentType = request.headers['content-type'];
  if (type === 'media') return { metadata: {}, content: request.body, mediaType: baseType(contentType) };

  const boundary = boundaryOf(contentType);
  if (!boundary) throw driveErrors.badRequest('A multipart upload needs Content-Type multipart/related with a boundary.');
  const parts = readParts(request.body, boundary);
  const [metadataPart, mediaPart] = parts;
  if (parts.length !== 2 || !metadataPart || !mediaPart) {
    throw driveErrors.badRequest('A multipart upload has exactly two parts: JSON metadata, then the media.');
  }
  if (baseType(metadataPart.headers['content-type']) !== 'application/json') {
    throw driveErrors.badRequest('The first part of a multipart upload must be application/json metadata.');
  }
  return {
    metadata: parseMetadataJson(metadataPart.body),
    content: Buffer.from(mediaPart.body),
    mediaType: baseType(mediaPart.headers['content-type']),
  };
}

function readParts(body: Buffer, boundary: string): ReturnType<typeof parseMultipartRelated> {
  try {
    return parseMultipartRelated(body, boundary);
  } catch (error) {
    if (error instanceof MultipartError) throw driveErrors.badRequest(`Malformed multipart body: ${error.message}.`);
    throw error;
  }
}

/** `image/jpeg; charset=x` -> `image/jpeg`; absent or blank -> undefined. */
export function baseType(contentType: string | undefined): string | undefined {
  const base = contentType?.split(';')[0]?.trim().toLowerCase();
  return base ? base : undefined;
}
