import { Server, ServerCredentials, type status } from '@grpc/grpc-js';
import { FaultInjector } from './faults';
import { loadSecretManagerService } from './protos';
import { secretManagerImplementation } from './service';
import { SecretStore } from './store';

export interface LocalSecretManagerOptions {
  /** 0 or unset: a free port chosen by the OS. */
  port?: number;
  /** Epoch milliseconds, for create/destroy times. */
  now?: () => number;
}

export interface LocalSecretManager {
  /** `127.0.0.1:PORT`: the value of SECRET_MANAGER_EMULATOR_HOST. */
  readonly hostPort: string;
  readonly port: number;
  /** Adds a version to `projects/P/secrets/S`, creating the secret if needed; returns the version number. */
  addVersion(secret: string, data: Uint8Array): string;
  /** The next `count` calls (optionally only of `method`, e.g. "AccessSecretVersion") fail with `code` (UNAVAILABLE). */
  failNext(count: number, options?: { code?: status; method?: string }): void;
  /** The next `count` calls never answer: the client's deadline has to end them. */
  hangNext(count: number, options?: { method?: string }): void;
  /** The next `count` answers carrying a payload have one bit flipped after the checksum was taken. */
  corruptNext(count: number, options?: { method?: string }): void;
  /** Calls received so far, of one method or all, faulted ones included. */
  callCount(method?: string): number;
  close(): Promise<void>;
}

/**
 * A plaintext gRPC Secret Manager on 127.0.0.1, built from the client package's own service
 * definition, for tests and the local stack. Point the product at it with
 * SECRET_MANAGER_EMULATOR_HOST=<hostPort>.
 */
export async function startLocalSecretManager(options: LocalSecretManagerOptions = {}): Promise<LocalSecretManager> {
  const store = new SecretStore(options.now);
  const faults = new FaultInjector();
  const calls: string[] = [];
  const server = new Server();
  server.addService(loadSecretManagerService(), secretManagerImplementation({ store, faults, onCall: (method) => calls.push(method) }));
  const port = await new Promise<number>((resolve, reject) => {
    server.bindAsync(`127.0.0.1:${options.port ?? 0}`, ServerCredentials.createInsecure(), (error, bound) =>
      error ? reject(error) : resolve(bound),
    );
  });

  return {
    hostPort: `127.0.0.1:${port}`,
    port,
    addVersion(secret, data) {
      const [, project, secretId] = /^projects\/([^/]+)\/secrets\/([^/]+)$/.exec(secret) ?? [];
      if (!project || !secretId) throw new TypeError(`addVersion needs projects/P/secrets/S, got ${JSON.stringify(secret)}`);
      if (!hasSecret(store, secret)) store.createSecret(`projects/${project}`, secretId);
      const version = store.addVersion(secret, Buffer.from(data), undefined);
      return version.name.slice(version.name.lastIndexOf('/') + 1);
    },
    failNext: (count, faultOptions) => faults.failNext(count, faultOptions),
    hangNext: (count, faultOptions) => faults.hangNext(count, faultOptions),
    corruptNext: (count, faultOptions) => faults.corruptNext(count, faultOptions),
    callCount: (method) => (method === undefined ? calls.length : calls.filter((m) => m === method).length),
    // Hung calls would keep a graceful shutdown waiting for ever: cut them.
    close: async () => server.forceShutdown(),
  };
}

function hasSecret(store: SecretStore, secret: string): boolean {
  try {
    store.getSecret(secret);
    return true;
  } catch {
    return false;
  }
}
