import type { OAuthClientConfig } from '../../../sandbox/src/oauth/clients';
import type { MintCodeInput } from '../../../sandbox/src/admin/admin-schemas';

/** Shared fixtures for the sandbox's HTTP tests: clients, a hand-driven clock, and raw HTTP helpers. */
export const WEB_CLIENT: OAuthClientConfig = {
  clientId: 'web-client.apps.googleusercontent.com',
  clientSecret: 'web-client-secret',
  redirectUris: ['https://app.example.com/oauth2callback', 'postmessage'],
};

export const OTHER_CLIENT: OAuthClientConfig = {
  clientId: 'other-client.apps.googleusercontent.com',
  clientSecret: 'other-client-secret',
  redirectUris: [],
};

export const IOS_CLIENT_ID = 'ios-client.apps.googleusercontent.com';

export const FULL_SCOPES = ['openid', 'email', 'profile', 'https://www.googleapis.com/auth/drive.appdata'];

export const ANN: MintCodeInput = { sub: '111111111111111111111', email: 'ann.lee@example.com', name: 'Ann Lee', scopes: FULL_SCOPES };

/** A clock the test moves by hand: expiry is tested without sleeping. */
export class TestClock {
  private current = Date.now();
  readonly now = (): number => this.current;
  advanceSeconds(seconds: number): void {
    this.current += seconds * 1000;
  }
}

export interface HttpAnswer {
  status: number;
  headers: Headers;
  body: Record<string, unknown>;
}

async function answer(response: Response): Promise<HttpAnswer> {
  const text = await response.text();
  return { status: response.status, headers: response.headers, body: text ? (JSON.parse(text) as Record<string, unknown>) : {} };
}

export async function postForm(
  url: string,
  fields: Record<string, string | undefined>,
  headers: Record<string, string> = {},
): Promise<HttpAnswer> {
  const form = new URLSearchParams();
  for (const [name, value] of Object.entries(fields)) if (value !== undefined) form.set(name, value);
  const response = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded', ...headers },
    body: form.toString(),
    signal: AbortSignal.timeout(5_000),
  });
  return answer(response);
}

export async function getJson(url: string): Promise<HttpAnswer> {
  return answer(await fetch(url, { signal: AbortSignal.timeout(5_000) }));
}

export async function postJson(url: string, body: unknown): Promise<HttpAnswer> {
  const response = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
    signal: AbortSignal.timeout(5_000),
  });
  return answer(response);
}

/** The form google-auth-library sends for a code exchange by a web client (redirect omitted when empty). */
export function codeExchange(code: string, client: OAuthClientConfig = WEB_CLIENT, redirectUri?: string): Record<string, string | undefined> {
  return {
    grant_type: 'authorization_code',
    code,
    client_id: client.clientId,
    client_secret: client.clientSecret,
    redirect_uri: redirectUri,
  };
}

export function refreshGrant(refreshToken: string, client: OAuthClientConfig = WEB_CLIENT): Record<string, string> {
  return {
    grant_type: 'refresh_token',
    refresh_token: refreshToken,
    client_id: client.clientId,
    client_secret: client.clientSecret,
  };
}

export function decodeJwt(jwt: string): { header: Record<string, unknown>; payload: Record<string, unknown> } {
  const [header = '', payload = ''] = jwt.split('.');
  const decode = (part: string) => JSON.parse(Buffer.from(part, 'base64url').toString('utf8')) as Record<string, unknown>;
  return { header: decode(header), payload: decode(payload) };
}

export function stringField(body: Record<string, unknown>, name: string): string {
  const value = body[name];
  if (typeof value !== 'string') throw new Error(`expected a string field ${name}, got ${typeof value}`);
  return value;
}
