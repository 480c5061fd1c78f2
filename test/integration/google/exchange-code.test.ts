import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { loadGoogleOAuthConfig } from '../../../functions/src/config';
import type { AppError } from '../../../functions/src/errors/app-error';
import { classifyCodeExchangeFailure, exchangeCode } from '../../../functions/src/google/exchange-code';
import { createOAuthClient } from '../../../functions/src/google/oauth-client';
import { freePort } from '../../../scripts/lib/ports';
import { TEST_CLIENT } from '../../support/sandbox';

/**
 * A code is good for one exchange: an attempt is repeated only when Google cannot have used it
 * (it answered 429 or 5xx, or no connection was made), never after one that timed out.
 */
describe('exchangeCode repeats an attempt only when the code cannot have been used', () => {
  const retry = { maxAttempts: 3, baseDelayMs: 1, maxDelayMs: 10 };
  const servers: Server[] = [];
  afterAll(() => Promise.all(servers.map((s) => new Promise((resolve) => s.close(resolve)))));

  /** A token endpoint that counts requests and answers each with `answer` (or never, for undefined). */
  async function tokenEndpoint(answer: { status: number; body: object } | undefined): Promise<{ url: string; requests: () => number }> {
    let requests = 0;
    const server = createServer((req, res) => {
      requests += 1;
      req.resume();
      if (!answer) return; // hangs: the client's timeout ends it
      res.writeHead(answer.status, { 'content-type': 'application/json' }).end(JSON.stringify(answer.body));
    });
    servers.push(server);
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/token`, requests: () => requests };
  }

  const client = (tokenUrl: string) =>
    createOAuthClient(
      loadGoogleOAuthConfig({
        GOOGLE_OAUTH_CLIENT_ID: TEST_CLIENT.clientId,
        GOOGLE_OAUTH_CLIENT_SECRET: TEST_CLIENT.clientSecret,
        GOOGLE_OAUTH_TOKEN_URL: tokenUrl,
        GOOGLE_HTTP_TIMEOUT_MS: '300',
      }),
    );
  const exchange = (tokenUrl: string) => exchangeCode(client(tokenUrl), '4/0AbCd', { redirectUri: '', retry }).then(
    () => {
      throw new Error('the exchange succeeded');
    },
    (e: unknown) => e as AppError,
  );

  it('an attempt that timed out is not repeated, and the app is told to sign in again', async () => {
    const endpoint = await tokenEndpoint(undefined);
    const error = await exchange(endpoint.url);
    expect(error).toMatchObject({ code: 'upstream_unavailable', details: { codeMayBeSpent: true } });
    expect(error.message).toMatch(/sign in again/i);
    expect(endpoint.requests()).toBe(1);
  });

  it('503 answers are repeated up to the attempts, then 503 upstream_unavailable', async () => {
    const endpoint = await tokenEndpoint({ status: 503, body: { error: 'internal_failure' } });
    expect(await exchange(endpoint.url)).toMatchObject({ code: 'upstream_unavailable' });
    expect(endpoint.requests()).toBe(3);
  });

  it('a connection refused is worth another attempt (the code never left); a timed-out one is not', async () => {
    const raw = (tokenUrl: string) => client(tokenUrl).getToken({ code: '4/0AbCd', redirect_uri: '' }).catch((e: unknown) => e);
    expect(classifyCodeExchangeFailure(await raw(`http://127.0.0.1:${await freePort()}/token`))).toEqual({ kind: 'transient' });
    expect(classifyCodeExchangeFailure(await raw((await tokenEndpoint(undefined)).url))).toEqual({ kind: 'permanent' });
  });

  it('invalid_grant is answered at once', async () => {
    const endpoint = await tokenEndpoint({ status: 400, body: { error: 'invalid_grant', error_description: 'Bad Request' } });
    expect(await exchange(endpoint.url)).toMatchObject({ code: 'invalid_grant' });
    expect(endpoint.requests()).toBe(1);
  });
});
