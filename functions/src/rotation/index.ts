/** Key rotation: re-sealing stored tokens under the newest key version (`rewrapTokens`). */
export { createRewrapHandler } from './rewrap-handler';
export { rewrapTokens, type RewrapDeps, type RewrapResult } from './rewrap-tokens';
export { rewrapPage, type RewrapPageInput, type RewrapPageResult } from './rewrap-page';
export { resealStaleTokens, type ResealResult } from './reseal-stale-tokens';
export { isOlderKeyVersion } from './key-version-order';
export { decodeCursor, encodeCursor, START_CURSOR, type RewrapCursor } from './rewrap-cursor';
