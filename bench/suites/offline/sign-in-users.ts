import { mapWithConcurrency } from '../../../functions/src/concurrency/map-with-concurrency';
import type { SandboxGoogle } from '../../../sandbox/src/server';
import { FULL_SCOPES } from '../../../test/support/sandbox';
import { exchangeRequest } from '../../lib/codes';

/**
 * Signs users in the way the app does: a one-time code from (sandbox) Google Sign-In, POSTed to
 * the real exchange function, which stores each user with sealed tokens. Seeding through the HTTP
 * contract keeps the benches independent of the exchange's internals.
 */
export async function signInUsers(sandbox: SandboxGoogle, exchangeUrl: string, subs: readonly string[], concurrency = 32): Promise<void> {
  await mapWithConcurrency(subs, concurrency, async (sub) => {
    const { code } = sandbox.admin.mintCode({ sub, email: `${sub}@example.com`, scopes: FULL_SCOPES, forceConsent: true });
    const response = await fetch(exchangeUrl, { ...exchangeRequest(code), signal: AbortSignal.timeout(30_000) });
    if (response.status !== 200) throw new Error(`signing in ${sub} answered ${response.status}: ${await response.text()}`);
  });
}
