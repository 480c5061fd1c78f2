import { randomUUID } from 'node:crypto';
import type { SecretManagerServiceClient } from '@google-cloud/secret-manager';
import { createSecretManagerClient } from '../../../../functions/src/tokens/secret-manager-client';
import { type LocalSecretManager, startLocalSecretManager } from '../../../../sandbox/src/secret-manager/server';

export interface SecretManagerFixture {
  server: LocalSecretManager;
  /** The real client library, talking plaintext gRPC to the local server. */
  client: SecretManagerServiceClient;
  close(): Promise<void>;
}

/** One local Secret Manager and one real client per test file. */
export async function startSecretManagerFixture(): Promise<SecretManagerFixture> {
  const server = await startLocalSecretManager();
  const client = createSecretManagerClient({ emulatorHost: server.hostPort });
  return {
    server,
    client,
    async close() {
      await client.close();
      await server.close();
    },
  };
}

/** A secret name no other test uses. */
export function uniqueSecretName(project = 'vault-test'): string {
  return `projects/${project}/secrets/token-key-${randomUUID().slice(0, 8)}`;
}

/** Creates a secret through the client, as `infra/` would with gcloud. */
export async function createSecret(client: SecretManagerServiceClient, secret: string): Promise<void> {
  const [, project, secretId] = /^(projects\/[^/]+)\/secrets\/([^/]+)$/.exec(secret) ?? [];
  await client.createSecret({ parent: project, secretId, secret: { replication: { automatic: {} } } });
}

/** Adds a version through the client; returns its number. */
export async function addVersion(client: SecretManagerServiceClient, secret: string, data: Uint8Array): Promise<string> {
  const [version] = await client.addSecretVersion({ parent: secret, payload: { data } });
  return String(version.name).split('/').pop() ?? '';
}
