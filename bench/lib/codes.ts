import type { SandboxGoogle } from '../../sandbox/src/server';
import { FULL_SCOPES } from '../../test/support/sandbox';

/**
 * One-time sign-in codes as Google Sign-In hands them to the app: a distinct user per code, with
 * forced consent so every exchange gets a refresh token and stores a new user.
 */
export function mintCodes(sandbox: SandboxGoogle, prefix: string, count: number): string[] {
  return Array.from({ length: count }, (_, i) => {
    const sub = `${prefix}-${i}`;
    return sandbox.admin.mintCode({ sub, email: `${sub}@example.com`, name: `User ${sub}`, scopes: FULL_SCOPES, forceConsent: true }).code;
  });
}

export function exchangeRequest(code: string): RequestInit {
  return {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-requested-with': 'com.example.bench' },
    body: JSON.stringify({ code }),
  };
}
