import type { HttpHandler } from '../http/types';
import { keyFailure } from '../tokens/key-failure';
import { isVaultError } from '../tokens/vault-error';
import { readCursorRequest } from '../users/sweep/cursor-request';
import { decodeCursor, START_CURSOR } from './rewrap-cursor';
import { type RewrapDeps, rewrapTokens } from './rewrap-tokens';

/**
 * `rewrapTokens` (operator-invoked, private): re-seals stored tokens under the newest key version.
 * Answers 200 with counts, `nextCursor` and `retryAfterSeconds` until `done`; 503 when the key or
 * Firestore is not available (what was written stays written: call again with the same cursor);
 * 500 key_misconfigured when the key in Secret Manager is not a 32-byte key.
 */
export function createRewrapHandler(deps: RewrapDeps): HttpHandler {
  return async (request) => {
    const cursor = readCursorRequest(request, decodeCursor, START_CURSOR);
    const result = await rewrapTokens(cursor, deps).catch((error: unknown) => {
      throw isVaultError(error) ? keyFailure(error, 'Call again later with the same cursor.') : error;
    });
    const { failedUserIds: _listed, ...counts } = result;
    deps.logger.info('Re-sealed stored tokens', { ...counts, pass: cursor.pass });
    return { status: 200, body: result };
  };
}
