import { randomBytes } from 'node:crypto';
import { status } from '@grpc/grpc-js';
import { crc32c } from '../../../functions/src/tokens/crc32c';
import { createSecretManagerClient } from '../../../functions/src/tokens/secret-manager-client';
import { startLocalSecretManager } from '../../../sandbox/src/secret-manager/server';
import { addVersion, createSecret, type SecretManagerFixture, startSecretManagerFixture, uniqueSecretName } from './helpers/secret-manager-fixture';

/** The local Secret Manager, driven through the real client library as the product and infra use it. */
describe('local Secret Manager server', () => {
  let sm: SecretManagerFixture;
  beforeAll(async () => {
    sm = await startSecretManagerFixture();
  });
  afterAll(() => sm.close());

  async function grpcCode(call: Promise<unknown>): Promise<number | undefined> {
    return call.then(
      () => undefined,
      (error: { code?: number }) => error.code,
    );
  }

  it('binds to loopback only', () => {
    expect(sm.server.hostPort).toMatch(/^127\.0\.0\.1:\d+$/);
  });

  it('creates and gets a secret, answering with a project number like Google', async () => {
    const secret = uniqueSecretName('my-project');
    await createSecret(sm.client, secret);
    const [got] = await sm.client.getSecret({ name: secret });
    expect(got.name).toMatch(/^projects\/\d+\/secrets\/token-key-/);
    expect(got.name?.endsWith(secret.split('/').pop() ?? '?')).toBe(true);
    const [byNumber] = await sm.client.getSecret({ name: got.name });
    expect(byNumber.name).toBe(got.name);
  });

  it('refuses a duplicate secret (ALREADY_EXISTS), an unknown one (NOT_FOUND) and a bad name (INVALID_ARGUMENT)', async () => {
    const secret = uniqueSecretName();
    await createSecret(sm.client, secret);
    expect(await grpcCode(createSecret(sm.client, secret))).toBe(status.ALREADY_EXISTS);
    expect(await grpcCode(sm.client.getSecret({ name: uniqueSecretName() }))).toBe(status.NOT_FOUND);
    expect(await grpcCode(sm.client.getSecret({ name: 'secrets/x' }))).toBe(status.INVALID_ARGUMENT);
  });

  it('numbers versions, serves latest and exact versions with a CRC-32C', async () => {
    const secret = uniqueSecretName();
    await createSecret(sm.client, secret);
    const one = randomBytes(32);
    const two = randomBytes(32);
    expect(await addVersion(sm.client, secret, one)).toBe('1');
    expect(await addVersion(sm.client, secret, two)).toBe('2');

    const [latest] = await sm.client.accessSecretVersion({ name: `${secret}/versions/latest` });
    expect(latest.name).toMatch(/\/versions\/2$/);
    expect(Buffer.from(latest.payload?.data as Uint8Array).equals(two)).toBe(true);
    expect(Number(latest.payload?.dataCrc32c)).toBe(crc32c(two));

    const [first] = await sm.client.accessSecretVersion({ name: `${secret}/versions/1` });
    expect(Buffer.from(first.payload?.data as Uint8Array).equals(one)).toBe(true);
    expect(await grpcCode(sm.client.accessSecretVersion({ name: `${secret}/versions/3` }))).toBe(status.NOT_FOUND);
  });

  it('GetSecretVersion resolves latest to its number, with the create time of the server\'s clock and its state', async () => {
    let clock = Date.UTC(2026, 0, 2, 3, 4, 5, 678);
    const server = await startLocalSecretManager({ now: () => clock });
    const client = createSecretManagerClient({ emulatorHost: server.hostPort });
    try {
      server.addVersion('projects/p/secrets/s', randomBytes(32));
      clock += 61_000;
      server.addVersion('projects/p/secrets/s', randomBytes(32));
      const [latest] = await client.getSecretVersion({ name: 'projects/p/secrets/s/versions/latest' });
      expect(latest.name).toMatch(/^projects\/\d+\/secrets\/s\/versions\/2$/);
      expect(latest.state).toBe('ENABLED');
      expect(latest.createTime).toEqual({ seconds: String(Math.floor(clock / 1000)), nanos: 678_000_000 });
      const [first] = await client.getSecretVersion({ name: 'projects/p/secrets/s/versions/1' });
      expect(Number(first.createTime?.seconds)).toBe(Math.floor(clock / 1000) - 61);
    } finally {
      await client.close();
      await server.close();
    }
  });

  it('checks a client-supplied checksum on add', async () => {
    const secret = uniqueSecretName();
    await createSecret(sm.client, secret);
    const data = randomBytes(32);
    const [ok] = await sm.client.addSecretVersion({ parent: secret, payload: { data, dataCrc32c: crc32c(data) } });
    expect(ok.clientSpecifiedPayloadChecksum).toBe(true);
    const bad = sm.client.addSecretVersion({ parent: secret, payload: { data, dataCrc32c: crc32c(data) ^ 1 } });
    expect(await grpcCode(bad)).toBe(status.INVALID_ARGUMENT);
  });

  it('disabled and destroyed versions refuse access with FAILED_PRECONDITION; latest is the newest whatever its state', async () => {
    const secret = uniqueSecretName();
    await createSecret(sm.client, secret);
    await addVersion(sm.client, secret, randomBytes(32));
    await addVersion(sm.client, secret, randomBytes(32));

    const [disabled] = await sm.client.disableSecretVersion({ name: `${secret}/versions/2` });
    expect(disabled.state).toBe('DISABLED');
    expect(await grpcCode(sm.client.accessSecretVersion({ name: `${secret}/versions/2` }))).toBe(status.FAILED_PRECONDITION);
    expect(await grpcCode(sm.client.accessSecretVersion({ name: `${secret}/versions/latest` }))).toBe(status.FAILED_PRECONDITION);

    const [enabled] = await sm.client.enableSecretVersion({ name: `${secret}/versions/2` });
    expect(enabled.state).toBe('ENABLED');
    await expect(sm.client.accessSecretVersion({ name: `${secret}/versions/latest` })).resolves.toBeDefined();

    const [destroyed] = await sm.client.destroySecretVersion({ name: `${secret}/versions/1` });
    expect(destroyed.state).toBe('DESTROYED');
    expect(destroyed.destroyTime).toBeTruthy();
    expect(await grpcCode(sm.client.accessSecretVersion({ name: `${secret}/versions/1` }))).toBe(status.FAILED_PRECONDITION);
    expect(await grpcCode(sm.client.enableSecretVersion({ name: `${secret}/versions/1` }))).toBe(status.FAILED_PRECONDITION);
  });

  it('lists versions newest first, with paging', async () => {
    const secret = uniqueSecretName();
    await createSecret(sm.client, secret);
    for (let i = 0; i < 3; i += 1) await addVersion(sm.client, secret, randomBytes(32));
    await sm.client.disableSecretVersion({ name: `${secret}/versions/1` });
    const [all] = await sm.client.listSecretVersions({ parent: secret });
    expect(all.map((v) => [v.name?.split('/').pop(), v.state])).toEqual([
      ['3', 'ENABLED'],
      ['2', 'ENABLED'],
      ['1', 'DISABLED'],
    ]);
    const [firstPage, , raw] = await sm.client.listSecretVersions({ parent: secret, pageSize: 2 }, { autoPaginate: false });
    expect(firstPage).toHaveLength(2);
    expect(raw?.nextPageToken).toBeTruthy();
  });

  it('fails the next N calls with UNAVAILABLE on request, then serves again', async () => {
    const secret = uniqueSecretName();
    await createSecret(sm.client, secret);
    await addVersion(sm.client, secret, randomBytes(32));
    sm.server.failNext(2, { method: 'AccessSecretVersion' });
    const noRetry = { retry: null, timeout: 2_000 };
    const name = `${secret}/versions/1`;
    expect(await grpcCode(sm.client.accessSecretVersion({ name }, noRetry))).toBe(status.UNAVAILABLE);
    expect(await grpcCode(sm.client.accessSecretVersion({ name }, noRetry))).toBe(status.UNAVAILABLE);
    await expect(sm.client.accessSecretVersion({ name }, noRetry)).resolves.toBeDefined();
  });

  it('hangs a call on request until the client deadline', async () => {
    const secret = uniqueSecretName();
    await createSecret(sm.client, secret);
    sm.server.hangNext(1, { method: 'GetSecret' });
    const started = Date.now();
    expect(await grpcCode(sm.client.getSecret({ name: secret }, { retry: null, timeout: 300 }))).toBe(status.DEADLINE_EXCEEDED);
    expect(Date.now() - started).toBeGreaterThanOrEqual(250);
  });
});
