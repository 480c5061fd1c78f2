import { createHash } from 'node:crypto';
import type { PickedMediaItem } from '../../google-photos/picker-api';
import type { SkipReason } from '../../google-photos/session-store';

/** What the enhancement pipeline reads (photos/image-format.ts); the rest is skipped unread. */
const IMAGE_TYPES = new Set(['image/jpeg', 'image/png', 'image/webp', 'image/heic', 'image/heif']);

/** A picked item the job will not enhance, and why, decided from what Google says it is. */
export function skipReasonFor(item: PickedMediaItem): SkipReason | undefined {
  if (item.type === 'VIDEO' || item.mediaFile?.mimeType?.startsWith('video/')) return 'video';
  const mimeType = item.mediaFile?.mimeType?.toLowerCase();
  if (mimeType !== undefined && !IMAGE_TYPES.has(mimeType)) return 'unsupported_format';
  return undefined;
}

/**
 * The enhanced copy's file name: the original's stem, then a key unique to this session and item.
 * It is how a run that died after batchCreate finds the copy it made, in the album, and so never
 * makes a second one.
 */
export function enhancedFileName(sessionId: string, item: PickedMediaItem): string {
  const key = createHash('sha256').update(`${sessionId}/${item.id}`).digest('hex').slice(0, 16);
  const original = item.mediaFile?.filename ?? '';
  const stem = original.replace(/\.[^.]*$/, '').replace(/[^\p{L}\p{N}_ -]+/gu, '_').slice(0, 80) || 'photo';
  return `${stem}-enhanced-${key}.jpg`;
}
