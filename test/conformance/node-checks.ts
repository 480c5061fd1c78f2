import { createHash } from 'node:crypto';
import { Readable } from 'node:stream';
import { drive as driveClient } from '@googleapis/drive';
import { OAuth2Client } from 'google-auth-library';
import type { SandboxGoogle } from '../../sandbox/src/server';
import { type CheckReport, expectEqual, expectThat, ran } from './check-report';

/**
 * The Node half of the conformance run: google-auth-library and @googleapis/drive as an app team
 * would use them, only their URLs changed. The jest suite covers these libraries in depth
 * (test/integration/sandbox, test/integration/sandbox-drive); this is the same story told once,
 * end to end, beside the Python one.
 */
export interface ConformanceClient {
  readonly clientId: string;
  readonly clientSecret: string;
}

const TIMEOUT_MS = 10_000;
const APPDATA_SCOPE = 'https://www.googleapis.com/auth/drive.appdata';
const USER = { sub: 'conformance-node', email: 'node@example.com', scopes: ['openid', 'email', 'profile', APPDATA_SCOPE] };

export async function runNodeChecks(sandbox: SandboxGoogle, client: ConformanceClient, report: CheckReport): Promise<void> {
  const auth = report.section('node google-auth-library');
  const oauth = (): OAuth2Client =>
    new OAuth2Client({
      clientId: client.clientId,
      clientSecret: client.clientSecret,
      transporterOptions: { timeout: TIMEOUT_MS },
      endpoints: {
        oauth2TokenUrl: sandbox.endpoints.tokenUrl,
        oauth2RevokeUrl: sandbox.endpoints.revokeUrl,
        oauth2FederatedSignonPemCertsUrl: sandbox.endpoints.pemCertsUrl,
        oauth2FederatedSignonJwkCertsUrl: sandbox.endpoints.jwkCertsUrl,
      },
    });
  const code = sandbox.admin.mintCode(USER).code;
  const tokens = await auth.check('OAuth2Client.getToken exchanges a serverAuthCode', async () => {
    const { tokens } = await oauth().getToken({ code, redirect_uri: '' });
    expectThat(tokens.refresh_token && tokens.access_token && tokens.id_token, 'missing a token in the answer');
    return tokens;
  });
  await auth.check(
    'OAuth2Client.verifyIdToken against the sandbox PEM certs',
    async () => {
      const ticket = await oauth().verifyIdToken({ idToken: ran(tokens).id_token ?? '', audience: client.clientId });
      expectEqual(ticket.getPayload()?.sub, USER.sub, 'sub');
    },
    [tokens],
  );
  const refreshing = oauth();
  await auth.check(
    'OAuth2Client.getAccessToken refreshes from a refresh token alone',
    async () => {
      refreshing.setCredentials({ refresh_token: ran(tokens).refresh_token });
      const { token } = await refreshing.getAccessToken();
      expectThat(token, 'no access token');
    },
    [tokens],
  );

  const drive = report.section('node @googleapis/drive');
  const rootUrl = sandbox.endpoints.apiRootUrl;
  const api = driveClient({ version: 'v3', rootUrl, auth: refreshing, timeout: TIMEOUT_MS });
  const content = Buffer.from('hello from node\r\n--\r\n');
  const created = await drive.check(
    'files.create multipart upload (rootUrl in the per-call options too)',
    async () => {
      const { data } = await api.files.create(
        {
          requestBody: { name: 'node.txt', parents: ['appDataFolder'] },
          media: { mimeType: 'text/plain', body: Readable.from([content]) },
          fields: 'id,size,md5Checksum',
        },
        { rootUrl },
      );
      expectEqual(data.md5Checksum, createHash('md5').update(content).digest('hex'), 'md5Checksum');
      return data;
    },
    [tokens],
  );
  await drive.check(
    "files.get('appfolder') and files.get('appDataFolder') name one folder",
    async () => {
      const [alias, full] = await Promise.all(['appfolder', 'appDataFolder'].map((fileId) => api.files.get({ fileId })));
      expectThat(alias?.data.id && alias.data.id === full?.data.id, 'the two aliases answered different folders');
    },
    [tokens],
  );
  await drive.check(
    'files.get alt=media',
    async () => {
      const { data } = await api.files.get({ fileId: ran(created).id ?? '', alt: 'media' }, { responseType: 'arraybuffer' });
      expectThat(Buffer.from(data as unknown as ArrayBuffer).equals(content), 'downloaded bytes differ');
    },
    [created],
  );
  await drive.check(
    "files.list q=\"name = 'node.txt'\"",
    async () => {
      const { data } = await api.files.list({ spaces: 'appDataFolder', q: "name = 'node.txt'", fields: 'files(id)' });
      expectEqual(data.files, [{ id: ran(created).id ?? '' }], 'files');
    },
    [created],
  );

  await auth.check(
    'OAuth2Client.revokeToken, then a refresh is invalid_grant',
    async () => {
      const refreshToken = ran(tokens).refresh_token ?? '';
      await oauth().revokeToken(refreshToken);
      const revoked = oauth();
      revoked.setCredentials({ refresh_token: refreshToken });
      const failure = await revoked.refreshAccessToken().then(
        () => undefined,
        (error: { response?: { data?: { error?: string } } }) => error.response?.data?.error,
      );
      expectEqual(failure, 'invalid_grant', 'refresh after revoke');
    },
    [tokens],
  );
}
