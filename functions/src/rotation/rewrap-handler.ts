import { AppError } from '../errors/app-error';
import type { HttpHandler } from '../http/types';
import { isVaultError } from '../tokens/vault-error';
import { readRewrapRequest } from './rewrap-request';
import { type RewrapDeps, rewrapTokens } from './rewrap-tokens';

/**
 * `rewrapTokens` (operator-invoked, private): re-seals stored tokens under the newest key version.
 * Answers 200 with counts and `nextCursor` until `done`; 503 when the key or Firestore is not
 * available (what was written stays written: call again with the same cursor).
 */
export function createRewrapHandler(deps: RewrapDeps): HttpHandler {
  return async (request) => {
    const cursor = readRewrapRequest(request);
    const result = await rewrapTokens(cursor, deps).catch((error: unknown) => {
      throw isVaultError(error) ? keyUnavailable(error) : error;
    });
    const { failedUserIds: _listed, ...counts } = result;
    deps.logger.info('Re-sealed stored tokens', { ...counts, pass: cursor.pass });
    return { status: 200, body: result };
  };
}

function keyUnavailable(cause: unknown): AppError {
  return new AppError('key_unavailable', 'The token key is not available. Call again later with the same cursor.', { retryAfterSeconds: 5, cause });
}
