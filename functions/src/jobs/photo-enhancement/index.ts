export {
  createPhotoEnhancementJob,
  DRIVE_APPDATA_SCOPE,
  PHOTO_ENHANCEMENT_JOB,
  type PhotoEnhancementOptions,
} from './photo-enhancement-job';
export { APP_PROPERTY } from './photo-file';
