import type { GaxiosOptions, GaxiosResponse } from 'gaxios';
import { OAuth2Client } from 'google-auth-library';
import { GrantRevokedError } from './refresh-access-token';
import { googleFetch } from './http-transport';

/**
 * Authorises API calls (Drive) with one user's access token. If Google rejects the token with
 * 401 before its recorded expiry (revoked and re-granted, clock skew), `onUnauthorized` gets a
 * fresh one and the call is retried once. Unlike the library's own retry, 403s (rate limits)
 * never trigger a refresh, and the refresh goes through our code, which stores a rotated token.
 * Once the refresh says the grant is revoked (Google revokes its access tokens with it), every
 * later request fails with that same GrantRevokedError without being sent.
 */
/**
 * The refresh a 401 asked for failed (Google's token endpoint unreachable, our key or storage
 * unavailable...): `cause` is what failed. Not the API's answer, so googleApiCall passes it on
 * unclassified, and the worker reads the cause (UserAccess keeps it too, whoever caught this).
 */
export class AccessRefreshError extends Error {
  constructor(cause: unknown) {
    super('Refreshing the access token failed', { cause });
    this.name = 'AccessRefreshError';
  }
}

export class UserAuthClient extends OAuth2Client {
  private revoked: GrantRevokedError | undefined;

  constructor(
    accessToken: string,
    private readonly onUnauthorized: () => Promise<string>,
    timeoutMs: number,
  ) {
    super({ transporterOptions: { timeout: timeoutMs, fetchImplementation: googleFetch } });
    this.setCredentials({ access_token: accessToken });
  }

  protected override async requestAsync<T>(opts: GaxiosOptions): Promise<GaxiosResponse<T>> {
    if (this.revoked) throw this.revoked;
    try {
      // `true`: the library's own re-auth retry stays off; this class decides.
      return await super.requestAsync<T>(opts, true);
    } catch (error) {
      if ((error as { response?: { status?: number } }).response?.status !== 401) throw error;
      this.setCredentials({ access_token: await this.freshToken() });
      return super.requestAsync<T>(opts, true);
    }
  }

  private async freshToken(): Promise<string> {
    try {
      return await this.onUnauthorized();
    } catch (error) {
      if (error instanceof GrantRevokedError) {
        this.revoked = error;
        throw error;
      }
      throw new AccessRefreshError(error);
    }
  }
}
