export { enhancePhoto, type EnhanceOptions, type EnhancedPhoto } from './enhance';
export { detectImageFormat, type SupportedImageFormat } from './image-format';
export { PHOTO_LIMITS } from './limits';
export { UnsupportedImageError, isUnsupportedImageError, type UnsupportedImageReason } from './unsupported-image-error';
