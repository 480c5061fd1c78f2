import type { GaxiosOptions, GaxiosResponse } from 'gaxios';
import { OAuth2Client } from 'google-auth-library';

/**
 * Authorises API calls (Drive) with one user's access token. If Google rejects the token with
 * 401 before its recorded expiry (revoked and re-granted, clock skew), `onUnauthorized` gets a
 * fresh one and the call is retried once. Unlike the library's own retry, 403s (rate limits)
 * never trigger a refresh, and the refresh goes through our code, which stores a rotated token.
 */
export class UserAuthClient extends OAuth2Client {
  constructor(
    accessToken: string,
    private readonly onUnauthorized: () => Promise<string>,
    timeoutMs: number,
  ) {
    super({ transporterOptions: { timeout: timeoutMs, fetchImplementation: fetch } });
    this.setCredentials({ access_token: accessToken });
  }

  protected override async requestAsync<T>(opts: GaxiosOptions): Promise<GaxiosResponse<T>> {
    try {
      // `true`: the library's own re-auth retry stays off; this class decides.
      return await super.requestAsync<T>(opts, true);
    } catch (error) {
      if ((error as { response?: { status?: number } }).response?.status !== 401) throw error;
      this.setCredentials({ access_token: await this.onUnauthorized() });
      return super.requestAsync<T>(opts, true);
    }
  }
}
