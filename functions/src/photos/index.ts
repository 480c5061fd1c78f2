export { enhancePhoto, type EnhanceOptions, type EnhancedPhoto } from './enhance';
export { decodedPixelCost, HEIC_PIXEL_WEIGHT, jpegShrinkOnLoad, type PhotoHeader } from './decoded-pixels';
export { detectImageFormat, isHevcHeif, type SupportedImageFormat } from './image-format';
export { PHOTO_LIMITS } from './limits';
export { applySharpSettings, SHARP_SETTINGS } from './sharp-settings';
export { DecoderFailedError, isDecoderFailedError, UnsupportedImageError, isUnsupportedImageError, type UnsupportedImageReason } from './unsupported-image-error';
