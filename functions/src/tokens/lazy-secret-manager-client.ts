import type { SecretManagerServiceClient } from '@google-cloud/secret-manager';
import type { SecretVersionAccessor } from './secret-manager-access';
import type { SecretManagerClientOptions } from './secret-manager-client';

export interface LazySecretManagerClient extends SecretVersionAccessor {
  /** Closes the client if it was ever created. */
  close(): Promise<void>;
}

/**
 * A Secret Manager client created on first use. Requiring the client library costs 0.5-1 s of
 * module loading, which code that only imports the vault, or uses a key file, should not pay.
 */
export function lazySecretManagerClient(options: SecretManagerClientOptions): LazySecretManagerClient {
  let client: Promise<SecretManagerServiceClient> | undefined;
  const loaded = (): Promise<SecretManagerServiceClient> =>
    (client ??= import('./secret-manager-client').then((module) => module.createSecretManagerClient(options)));
  return {
    accessSecretVersion: async (request, callOptions) => (await loaded()).accessSecretVersion(request, callOptions),
    getSecretVersion: async (request, callOptions) => (await loaded()).getSecretVersion(request, callOptions),
    close: async () => {
      if (client) await (await client).close();
    },
  };
}
