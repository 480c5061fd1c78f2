export { createPhotosPickerJob, PHOTOS_PICKER_JOB, type PhotosPickerJobDeps } from './photos-picker-job';
