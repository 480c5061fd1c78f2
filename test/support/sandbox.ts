import { startSandboxGoogle, type SandboxGoogle, type SandboxOptions } from '../../sandbox/src/server';

/** A web page's registered redirect URI (GIS code model, redirect mode). */
export const WEB_REDIRECT_URI = 'https://web.example.com/oauth/callback';

export const TEST_CLIENT = {
  clientId: 'offline-access-test.apps.googleusercontent.com',
  clientSecret: 'test-client-secret',
  redirectUris: [WEB_REDIRECT_URI] as string[],
};

export const FULL_SCOPES = ['openid', 'email', 'profile', 'https://www.googleapis.com/auth/drive.appdata'];

/**
 * The user grants our client more scopes elsewhere (another backend exchanged that code): Google's
 * refresh answers for the user's grant name them from now on. Returns the token endpoint's status.
 */
export async function grantScopesElsewhere(sandbox: SandboxGoogle, sub: string, scopes: readonly string[]): Promise<number> {
  const { code } = sandbox.admin.mintCode({ sub, email: `${sub}@example.com`, scopes: [...scopes] });
  const exchanged = await fetch(sandbox.endpoints.tokenUrl, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ grant_type: 'authorization_code', code, client_id: TEST_CLIENT.clientId, client_secret: TEST_CLIENT.clientSecret }),
    signal: AbortSignal.timeout(5_000),
  });
  return exchanged.status;
}

/** A sandbox Google on a free loopback port that knows the test OAuth client. */
export function startTestSandbox(options: Partial<SandboxOptions> = {}): Promise<SandboxGoogle> {
  return startSandboxGoogle({ clients: [TEST_CLIENT], ...options });
}
