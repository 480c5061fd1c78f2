import { startSandboxGoogle, type SandboxGoogle, type SandboxOptions } from '../../sandbox/src/server';

export const TEST_CLIENT = {
  clientId: 'offline-access-test.apps.googleusercontent.com',
  clientSecret: 'test-client-secret',
  redirectUris: [] as string[],
};

export const FULL_SCOPES = ['openid', 'email', 'profile', 'https://www.googleapis.com/auth/drive.appdata'];

/** A sandbox Google on a free loopback port that knows the test OAuth client. */
export function startTestSandbox(options: Partial<SandboxOptions> = {}): Promise<SandboxGoogle> {
  return startSandboxGoogle({ clients: [TEST_CLIENT], ...options });
}
