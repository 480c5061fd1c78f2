import { Firestore } from '@google-cloud/firestore';
import { fileKeySource } from '../../../functions/src/tokens/file-key-source';
import { createTokenVault, type SealedToken, type TokenVault } from '../../../functions/src/tokens/vault';
import type { UserRecord } from '../../../functions/src/users/user-record';
import type { SandboxGoogle } from '../../../sandbox/src/server';
import { type FunctionUnderTest, newKeyFile, newTestProjectId, startFunctionUnderTest } from '../../support/function-process';
import { FULL_SCOPES, startTestSandbox } from '../../support/sandbox';

/**
 * Real function processes sharing one Firestore project and token key: the exchange connects
 * users exactly as the app does, and the function under test sees what it stored.
 */
export interface LifecycleKit {
  sandbox: SandboxGoogle;
  projectId: string;
  db: Firestore;
  vault: TokenVault;
  /** Every function process started through the kit, for log checks. */
  functions: FunctionUnderTest[];
  start(target: string, overrides?: NodeJS.ProcessEnv): Promise<FunctionUnderTest>;
  /** Signs `sub` in through the real exchange (forced consent: a refresh token is stored), with FULL_SCOPES unless told. */
  connect(sub: string, scopes?: readonly string[]): Promise<void>;
  idToken(sub: string, claims?: Record<string, unknown>, signWith?: 'sandbox' | 'foreign'): Promise<string>;
  user(sub: string): Promise<UserRecord | undefined>;
  /** The plaintext tokens stored for `sub`, to look for them where they must not be. */
  storedTokens(sub: string): Promise<string[]>;
  close(): Promise<void>;
}

/** `shared`: environment every function of the kit gets (e.g. USER_EVENTS_TOPIC); `projectId`: one chosen beforehand. */
export async function startLifecycleKit(label: string, shared: NodeJS.ProcessEnv = {}, projectId = newTestProjectId(label)): Promise<LifecycleKit> {
  const sandbox = await startTestSandbox();
  const keyFile = newKeyFile();
  const db = new Firestore({ projectId });
  const vault = createTokenVault(fileKeySource(keyFile));
  const functions: FunctionUnderTest[] = [];
  const start = async (target: string, overrides: NodeJS.ProcessEnv = {}) => {
    const fn = await startFunctionUnderTest(target, sandbox, { GOOGLE_CLOUD_PROJECT: projectId, TOKEN_KEY_FILE: keyFile, ...shared, ...overrides });
    functions.push(fn);
    return fn;
  };
  const exchange = await start('exchangeAuthCode');
  const user = async (sub: string) => (await db.collection('users').doc(sub).get()).data() as UserRecord | undefined;
  return {
    sandbox,
    projectId,
    db,
    vault,
    functions,
    start,
    async connect(sub, scopes = FULL_SCOPES) {
      const { code } = sandbox.admin.mintCode({ sub, email: `${sub}@example.com`, scopes: [...scopes], forceConsent: true });
      const response = await fetch(exchange.url, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'x-requested-with': 'test' },
        body: JSON.stringify({ code }),
      });
      if (response.status !== 200) throw new Error(`exchange answered ${response.status}: ${await response.text()}`);
    },
    async idToken(sub, claims = {}, signWith = 'sandbox') {
      return (await sandbox.admin.mintIdToken({ claims: { sub, ...claims }, signWith })).idToken;
    },
    user,
    async storedTokens(sub) {
      const record = await user(sub);
      const fields = ['refreshToken', 'accessToken'] as const;
      const sealed = fields.filter((field) => record?.[field]).map((field) => vault.open(sub, field, record?.[field] as SealedToken));
      return Promise.all(sealed);
    },
    async close() {
      await Promise.all(functions.map((fn) => fn.stop()));
      await sandbox.close();
      await db.terminate();
    },
  };
}

/** A loopback server that answers every request with `status` and counts them (an unhealthy Google). */
export async function startFailingEndpoint(status: number): Promise<{ url: string; requests: () => number; close: () => Promise<void> }> {
  const { createServer } = await import('node:http');
  let requests = 0;
  const server = createServer((request, response) => {
    requests += 1;
    request.resume();
    request.on('end', () => {
      response.writeHead(status, { 'content-type': 'application/json' });
      response.end(JSON.stringify({ error: 'internal_failure', error_description: 'Service Unavailable' }));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  if (address === null || typeof address === 'string') throw new Error('no address');
  return {
    url: `http://127.0.0.1:${address.port}/revoke`,
    requests: () => requests,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}
