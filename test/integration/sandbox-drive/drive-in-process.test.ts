import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { drive, type drive_v3 } from '@googleapis/drive';
import { OAuth2Client } from 'google-auth-library';
import { AccessTokenRegistry } from '../../../sandbox/src/access-tokens';
import { createDriveSandbox, type DriveSandbox } from '../../../sandbox/src/drive';
import { createRequestListener } from '../../../sandbox/src/router';
import { APPDATA_SCOPE } from './drive-test-kit';

/**
 * The DriveSandbox object on its own (routes + in-process admin), mounted on the sandbox's router
 * with a clock the test moves: times, expiry and the admin API without HTTP.
 */
describe('DriveSandbox in process', () => {
  let clock = Date.UTC(2024, 4, 1, 8, 0, 0);
  const now = () => clock;
  const accessTokens = new AccessTokenRegistry(now);
  const closing = new AbortController();
  let sandbox: DriveSandbox;
  let server: Server;
  let rootUrl: string;

  beforeAll(async () => {
    sandbox = createDriveSandbox({
      accessTokens,
      now,
      closing: closing.signal,
      userProfile: (sub) => (sub === 'ada' ? { displayName: 'Ada Lovelace', emailAddress: 'ada@example.com' } : undefined),
    });
    server = createServer(createRequestListener(sandbox.routes, (error) => console.error(error)));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    rootUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}/`;
  });
  afterAll(async () => {
    closing.abort();
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  });

  function clientFor(sub: string, lifetimeSeconds = 3600): drive_v3.Drive {
    const auth = new OAuth2Client();
    auth.setCredentials({ access_token: accessTokens.issue({ sub, clientId: 'c', scopes: [APPDATA_SCOPE], lifetimeSeconds }).token });
    return drive({ version: 'v3', rootUrl, auth, timeout: 5000, retry: false, fetchImplementation: fetch });
  }

  it('stamps files with the injected clock and shows them to the product', async () => {
    const seeded = sandbox.admin.putFile('ada', { name: 'cat.jpg', mimeType: 'image/jpeg', content: Buffer.from('meow'), appProperties: { a: '1' } });
    expect(seeded).toMatchObject({ space: 'appDataFolder', size: 4, createdTime: '2024-05-01T08:00:00.000Z', appProperties: { a: '1' } });

    clock += 60_000;
    const client = clientFor('ada');
    const { data } = await client.files.update({ fileId: seeded.id, requestBody: { name: 'cat2.jpg' }, fields: 'createdTime,modifiedTime' });
    expect(data).toEqual({ createdTime: '2024-05-01T08:00:00.000Z', modifiedTime: '2024-05-01T08:01:00.000Z' });
    const { data: changes } = await client.changes.list({ pageToken: '1', spaces: 'appDataFolder', fields: 'changes(time)' });
    expect(changes.changes).toEqual([{ time: '2024-05-01T08:01:00.000Z' }]);
  });

  it('answers about.get with the profile the rest of the sandbox knows', async () => {
    const { data } = await clientFor('ada').about.get({ fields: 'user(displayName,emailAddress)' });
    expect(data.user).toEqual({ displayName: 'Ada Lovelace', emailAddress: 'ada@example.com' });
  });

  it('lists files with content through the in-process admin', () => {
    const files = sandbox.admin.listFiles('ada', { includeContent: true });
    expect(files.map((file) => [file.name, file.content?.toString()])).toEqual([['cat2.jpg', 'meow']]);
    expect(sandbox.admin.listFiles('ada')[0]?.content).toBeUndefined();
  });

  it('turns a token stale when the clock passes its expiry', async () => {
    const client = clientFor('bob', 60);
    await expect(client.changes.getStartPageToken({})).resolves.toMatchObject({ status: 200 });
    clock += 61_000;
    await expect(client.changes.getStartPageToken({})).rejects.toMatchObject({ status: 401 });
  });

  it('injects faults and counts calls in process', async () => {
    sandbox.admin.setUserFaults('carol', { failNext: { count: 1, status: 429, retryAfterSeconds: 1 } });
    const client = clientFor('carol');
    await expect(client.files.list({ spaces: 'appDataFolder' })).rejects.toMatchObject({ status: 429 });
    await expect(client.files.list({ spaces: 'appDataFolder' })).resolves.toMatchObject({ status: 200 });
    expect(sandbox.admin.stats('carol')).toEqual({ totalCalls: 2, calls: { 'files.list': 2 }, uploads: 0, downloads: 0, injectedFaults: 1 });
    sandbox.admin.clearUserFaults('carol');
  });

  it('stops injected latency when the server closes', async () => {
    sandbox.admin.setDefaultFaults({ latencyMs: 30_000 });
    const started = performance.now();
    const pending = clientFor('dave').changes.getStartPageToken({}).catch(() => undefined);
    await new Promise((resolve) => setTimeout(resolve, 50));
    closing.abort();
    await pending;
    expect(performance.now() - started).toBeLessThan(5_000);
    sandbox.admin.reset();
    expect(sandbox.admin.listFiles('ada')).toEqual([]);
  });
});
