import { PHOTO_LIMITS } from '../../photos/limits';

/** The Drive file fields the job reads; requested explicitly so responses stay small. */
export const PHOTO_FILE_FIELDS = 'id,name,mimeType,size,trashed,parents,appProperties';

/** appProperties keys the job writes. Private to our OAuth client, invisible to the user. */
export const APP_PROPERTY = {
  /** On a source: the id of its enhanced result. */
  enhancedId: 'enhancedId',
  /** On a source: why it will never be enhanced (a stable code). */
  enhanceError: 'enhanceError',
  /**
   * On a source: in how many runs its decoder failed without proving it bad (enhance-one.ts);
   * removed when it is enhanced or marked with enhanceError.
   */
  decoderFailures: 'decoderFailures',
  /** On a result: the id of the source it was made from. */
  derivedFrom: 'derivedFrom',
} as const;

export interface PhotoFile {
  id?: string | null;
  name?: string | null;
  mimeType?: string | null;
  /** int64 as a decimal string, as Drive sends it. */
  size?: string | null;
  trashed?: boolean | null;
  /** Its folder (one: Drive allows a single parent); the result is made beside it. */
  parents?: string[] | null;
  appProperties?: Record<string, string> | null;
}

/**
 * Which files are photos at all, from Drive's mime type (what the file is decoded as is decided
 * from its bytes, photos/image-format.ts). HEIF covers HEIC and its sequences (bursts).
 */
const IMAGE_TYPES = new Set(['image/jpeg', 'image/jpg', 'image/png', 'image/webp', 'image/heic', 'image/heif', 'image/heic-sequence', 'image/heif-sequence']);

export type PhotoDecision =
  | { action: 'enhance'; fileId: string }
  | { action: 'skip'; reason: 'not_a_photo' | 'trashed' | 'is_result' | 'already_enhanced' | 'marked_unsupported' }
  | { action: 'skip'; reason: 'too_large'; fileId: string };

/** Decides from metadata alone whether a file is a new photo to enhance. */
export function decideOnFile(file: PhotoFile, maxBytes: number = PHOTO_LIMITS.maxSourceBytes): PhotoDecision {
  const properties = file.appProperties ?? {};
  if (!file.id || !IMAGE_TYPES.has(file.mimeType ?? '')) return { action: 'skip', reason: 'not_a_photo' };
  if (file.trashed) return { action: 'skip', reason: 'trashed' };
  if (properties[APP_PROPERTY.derivedFrom] !== undefined) return { action: 'skip', reason: 'is_result' };
  if (properties[APP_PROPERTY.enhancedId] !== undefined) return { action: 'skip', reason: 'already_enhanced' };
  if (properties[APP_PROPERTY.enhanceError] !== undefined) return { action: 'skip', reason: 'marked_unsupported' };
  // A missing size is allowed through: the download itself is capped at the same limit.
  if (file.size != null && Number(file.size) > maxBytes) return { action: 'skip', reason: 'too_large', fileId: file.id };
  return { action: 'enhance', fileId: file.id };
}

/** `IMG_0042.HEIC.png` -> `IMG_0042.HEIC-enhanced.jpg`; a name without an extension keeps it whole. */
export function enhancedFileName(sourceName: string | null | undefined): string {
  const name = sourceName?.trim() || 'photo';
  const dot = name.lastIndexOf('.');
  const stem = dot > 0 ? name.slice(0, dot) : name;
  return `${stem}-enhanced.jpg`;
}
