import { startSandboxGoogle, type SandboxGoogle, type SandboxOptions } from '../../sandbox/src/server';

/** A web page's registered redirect URI (GIS code model, redirect mode). */
export const WEB_REDIRECT_URI = 'https://web.example.com/oauth/callback';

export const TEST_CLIENT = {
  clientId: 'offline-access-test.apps.googleusercontent.com',
  clientSecret: 'test-client-secret',
  redirectUris: [WEB_REDIRECT_URI] as string[],
};

export const FULL_SCOPES = ['openid', 'email', 'profile', 'https://www.googleapis.com/auth/drive.appdata'];

/** A sandbox Google on a free loopback port that knows the test OAuth client. */
export function startTestSandbox(options: Partial<SandboxOptions> = {}): Promise<SandboxGoogle> {
  return startSandboxGoogle({ clients: [TEST_CLIENT], ...options });
}
