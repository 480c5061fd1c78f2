/**
 * Bench-only: the least an auth-code exchange cannot skip, on the same framework as the product:
 * one POST to the token endpoint and one Firestore write. No ID token verification (the subject
 * is read from the unverified payload), no encryption, no retries, no scope checks, no
 * transaction. It is the yardstick `exchangeAuthCode` is compared with; it is never deployed.
 *
 * Configuration is read from the same variables the product reads, without the product's zod
 * loaders (loading zod is part of what the yardstick leaves out). It stores no token: the bench
 * keeps plaintext tokens out of Firestore too, and the document's size barely moves a write's cost.
 *
 * Like the product, it does without the framework's per-invocation `domain`, which a sign-in does
 * not need: it installs the product's own pass-through (functions/src/wiring/framework-domain.ts,
 * compiled to functions/lib by the bench's build), so the comparison is of what the exchange adds.
 */
import { join } from 'node:path';
import { http } from '@google-cloud/functions-framework';
import { Firestore, Timestamp } from '@google-cloud/firestore';

// .local/bench-build/functions/ -> the repository's functions/lib.
// eslint-disable-next-line @typescript-eslint/no-require-imports -- compiled product code, outside this build's rootDir
(require(join(__dirname, '..', '..', '..', 'functions', 'lib', 'wiring', 'framework-domain.js')) as { installPassThroughDomain(): void }).installPassThroughDomain();

function required(name: string): string {
  const value = process.env[name];
  if (!value) throw new Error(`${name} is required`);
  return value;
}

const tokenUrl = required('GOOGLE_OAUTH_TOKEN_URL');
const clientId = required('GOOGLE_OAUTH_CLIENT_ID');
const clientSecret = required('GOOGLE_OAUTH_CLIENT_SECRET');
const users = new Firestore({ projectId: required('GOOGLE_CLOUD_PROJECT') }).collection('users');

interface TokenAnswer {
  id_token?: string;
  scope?: string;
}

function subjectOf(idToken: string | undefined): string | undefined {
  const payload = idToken?.split('.')[1];
  if (!payload) return undefined;
  const claims = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8')) as { sub?: unknown };
  return typeof claims.sub === 'string' ? claims.sub : undefined;
}

http('minimalExchange', async (req, res) => {
  const code = (req.body as { code?: unknown } | undefined)?.code;
  if (typeof code !== 'string') {
    res.status(400).json({ error: 'invalid_request' });
    return;
  }
  const answer = await fetch(tokenUrl, {
    method: 'POST',
    body: new URLSearchParams({ grant_type: 'authorization_code', code, client_id: clientId, client_secret: clientSecret }),
    signal: AbortSignal.timeout(10_000),
  });
  const tokens = (await answer.json()) as TokenAnswer;
  const sub = answer.ok ? subjectOf(tokens.id_token) : undefined;
  if (!sub) {
    res.status(502).json({ error: 'exchange_failed' });
    return;
  }
  await users.doc(sub).set({ userId: sub, status: 'active', scopes: (tokens.scope ?? '').split(' '), updatedAt: Timestamp.now() }, { merge: true });
  res.status(200).json({ userId: sub, status: 'active' });
});
