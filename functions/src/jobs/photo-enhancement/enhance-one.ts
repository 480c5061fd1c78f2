import type { drive_v3 } from '@googleapis/drive';
import { isDriveCallError } from '../../drive/drive-call';
import { enhancePhoto, type EnhanceOptions } from '../../photos/enhance';
import { isUnsupportedImageError } from '../../photos/unsupported-image-error';
import { downloadFile, findResultOf, setAppProperties, uploadResult } from './drive-photos';
import { APP_PROPERTY, enhancedFileName } from './photo-file';

export type PhotoOutcome = 'enhanced' | 'linked_existing' | 'unsupported' | 'too_large' | 'gone';

export interface EnhanceOneSettings {
  maxSourceBytes: number;
  enhance: EnhanceOptions;
}

/**
 * Enhances one source photo, exactly once however often it is attempted:
 * the result is looked up by `derivedFrom` before anything is uploaded, so a run that died
 * between uploading and marking only marks the source next time. A photo that cannot be decoded
 * is marked with `enhanceError` and never downloaded again. A file deleted meanwhile is `gone`.
 */
export async function enhanceOne(
  drive: drive_v3.Drive,
  source: { id: string; name: string | null | undefined },
  settings: EnhanceOneSettings,
): Promise<PhotoOutcome> {
  try {
    const existing = await findResultOf(drive, source.id);
    if (existing !== undefined) {
      await markEnhanced(drive, source.id, existing);
      return 'linked_existing';
    }
    const download = await downloadFile(drive, source.id, settings.maxSourceBytes);
    if (download.kind === 'too_large') return 'too_large';
    const enhanced = await enhanceOrMarkUnsupported(drive, source.id, download.data, settings.enhance);
    if (enhanced === undefined) return 'unsupported';
    const resultId = await uploadResult(drive, source.id, enhancedFileName(source.name), enhanced);
    await markEnhanced(drive, source.id, resultId);
    return 'enhanced';
  } catch (error) {
    if (isDriveCallError(error) && error.failure.code === 'not_found') return 'gone';
    throw error;
  }
}

async function enhanceOrMarkUnsupported(
  drive: drive_v3.Drive,
  sourceId: string,
  bytes: Buffer,
  options: EnhanceOptions,
): Promise<Buffer | undefined> {
  try {
    return (await enhancePhoto(bytes, options)).data;
  } catch (error) {
    if (!isUnsupportedImageError(error)) throw error;
    await setAppProperties(drive, sourceId, { [APP_PROPERTY.enhanceError]: error.code });
    return undefined;
  }
}

function markEnhanced(drive: drive_v3.Drive, sourceId: string, resultId: string): Promise<void> {
  return setAppProperties(drive, sourceId, { [APP_PROPERTY.enhancedId]: resultId });
}
