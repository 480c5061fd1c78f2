import type { IncomingHttpHeaders } from 'node:http';
import { timingSafeEqual } from 'node:crypto';
import { OAuthError } from './oauth-error';

/** The redirect URI of Google Identity Services' popup mode: a pseudo-URI, never registered. */
export const POPUP_REDIRECT_URI = 'postmessage';

export interface OAuthClientConfig {
  readonly clientId: string;
  readonly clientSecret: string;
  /** Registered redirect URIs. A code minted without one (iOS server auth codes) needs none here. */
  readonly redirectUris: readonly string[];
}

interface PresentedCredentials {
  clientId: string | undefined;
  clientSecret: string | undefined;
}

/** The OAuth clients the sandbox knows, and client authentication by form fields or HTTP Basic. */
export class ClientRegistry {
  private readonly clients: ReadonlyMap<string, OAuthClientConfig>;

  constructor(clients: readonly OAuthClientConfig[]) {
    this.clients = new Map(clients.map((client) => [client.clientId, client]));
  }

  find(clientId: string): OAuthClientConfig | undefined {
    return this.clients.get(clientId);
  }

  /** The client that codes are minted for when a test does not name one. */
  get defaultClient(): OAuthClientConfig | undefined {
    return this.clients.values().next().value;
  }

  authenticate(headers: IncomingHttpHeaders, form: URLSearchParams): OAuthClientConfig {
    const presented = presentedCredentials(headers, form);
    if (!presented.clientId) throw new OAuthError('invalid_request', 'Could not determine client ID from request.');
    const client = this.clients.get(presented.clientId);
    if (!client) throw new OAuthError('invalid_client', 'The OAuth client was not found.');
    if (!presented.clientSecret) throw new OAuthError('invalid_request', 'client_secret is missing.');
    if (!sameSecret(presented.clientSecret, client.clientSecret)) throw new OAuthError('invalid_client', 'Unauthorized');
    return client;
  }
}

function presentedCredentials(headers: IncomingHttpHeaders, form: URLSearchParams): PresentedCredentials {
  const fromForm = { clientId: form.get('client_id') ?? undefined, clientSecret: form.get('client_secret') ?? undefined };
  const basic = basicCredentials(headers.authorization);
  if (!basic) return fromForm;
  // google-auth-library's ClientSecretBasic also sends client_id in the form; it must agree.
  if (fromForm.clientId !== undefined && fromForm.clientId !== basic.clientId) {
    throw new OAuthError('invalid_request', 'client_id in the request body does not match the Authorization header.');
  }
  return basic;
}

function basicCredentials(authorization: string | undefined): PresentedCredentials | undefined {
  const match = /^Basic\s+([A-Za-z0-9+/=]+)$/i.exec(authorization ?? '');
  if (!match?.[1]) return undefined;
  const decoded = Buffer.from(match[1], 'base64').toString('utf8');
  const colon = decoded.indexOf(':');
  if (colon < 0) throw new OAuthError('invalid_request', 'Malformed Basic authorization header.');
  return { clientId: formDecode(decoded.slice(0, colon)), clientSecret: formDecode(decoded.slice(colon + 1)) };
}

/** RFC 6749 §2.3.1 form-encodes id and secret inside Basic; plain values pass through unchanged. */
function formDecode(value: string): string {
  try {
    return decodeURIComponent(value.replace(/\+/g, ' '));
  } catch {
    return value;
  }
}

function sameSecret(presented: string, expected: string): boolean {
  const a = Buffer.from(presented, 'utf8');
  const b = Buffer.from(expected, 'utf8');
  return a.length === b.length && timingSafeEqual(a, b);
}
