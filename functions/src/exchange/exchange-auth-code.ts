import { AppError } from '../errors/app-error';
import type { ExchangedTokens } from '../google/exchange-code';
import { missingScopes } from '../google/scopes';
import type { GoogleIdentity } from '../google/verify-id-token';
import { keyFailure } from '../tokens/key-failure';
import { sealOrFail } from '../tokens/seal-or-fail';
import type { TokenVault } from '../tokens/vault';
import type { UserRepository } from '../users/user-repository';
import { refreshTokenIds } from '../users/refresh-token-ids';
import { storageFailure } from '../users/storage-failure';

/** What the exchange needs from Google, as two calls; wired to google-auth-library in production. */
export interface GoogleSignIn {
  /**
   * `redirectUri` undefined: the configured one (GOOGLE_OAUTH_REDIRECT_URI, empty for iOS and
   * Android). `signal`: the request's deadline (HttpRequest.signal); no retry starts after it.
   */
  exchangeCode(code: string, options?: { redirectUri?: string | undefined; signal?: AbortSignal | undefined }): Promise<ExchangedTokens>;
  verifyIdToken(idToken: string, signal?: AbortSignal): Promise<GoogleIdentity>;
}

export interface ExchangeDeps {
  google: GoogleSignIn;
  users: UserRepository;
  vault: TokenVault;
  requiredScopes: readonly string[];
  now: () => Date;
}

export interface ExchangeResult {
  userId: string;
  email: string | null;
  scopes: string[];
  status: 'active';
}

/**
 * Turns a one-time serverAuthCode into a stored, encrypted offline grant. Every check that can
 * reject the sign-in runs before anything is written, so a rejected exchange stores nothing.
 */
export async function exchangeAuthCode(
  code: string,
  deps: ExchangeDeps,
  { redirectUri, signal }: { redirectUri?: string | undefined; signal?: AbortSignal | undefined } = {},
): Promise<ExchangeResult> {
  // The code is good once, and a first consent's refresh token comes only with it: the key the
  // tokens are sealed with must be at hand before Google is asked (a cache hit, nearly always).
  await deps.vault.currentKeyVersion().catch((error: unknown) => {
    throw keyFailure(error);
  });
  const tokens = await deps.google.exchangeCode(code, { redirectUri, signal });
  if (!tokens.idToken) {
    throw new AppError('id_token_missing', 'Google returned no ID token: request the openid, email and profile scopes.');
  }
  const identity = await deps.google.verifyIdToken(tokens.idToken, signal);
  const missing = missingScopes(deps.requiredScopes, tokens.scopes);
  if (missing.length > 0) {
    throw new AppError('insufficient_scope', 'The user did not grant every scope this app needs.', {
      details: { missingScopes: missing },
    });
  }
  const [refreshToken, accessToken] = await Promise.all([
    tokens.refreshToken === undefined ? undefined : sealOrFail(deps.vault, identity.sub, 'refreshToken', tokens.refreshToken),
    sealOrFail(deps.vault, identity.sub, 'accessToken', tokens.accessToken),
  ]);
  const record = await deps.users
    .connect({
      identity,
      scopes: tokens.scopes,
      refreshToken,
      refreshTokenIds: tokens.refreshToken === undefined ? undefined : refreshTokenIds(tokens.refreshToken),
      accessToken,
      accessTokenExpiresAt: tokens.accessTokenExpiresAt,
      now: deps.now(),
    })
    .catch((error: unknown) => {
      throw error instanceof AppError ? error : storageFailure(error);
    });
  return { userId: record.userId, email: record.email, scopes: record.scopes, status: 'active' };
}
